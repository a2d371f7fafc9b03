/**
 * Functions and procedures -> `export const lastUpdated = func("last_updated", { returns: "trigger", language: "plpgsql", body: sql`...` });`
 * and `procedure(...)`. The body is written exactly as the database stores it.
 */
import type { Routine } from "../catalog/routines.js";
import { inputArguments } from "../catalog/routines.js";
import { code, options, sqlCode, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

/** The key a routine's export is found by: schema, name and input argument types (overloads are distinct). */
export function routineKey(r: Pick<Routine, "name" | "arguments">): string {
  return `${r.name}(${inputArguments(r).map((a) => a.type).join(", ")})`;
}

/** A bare type for an unnamed IN argument, else `{ name, type, mode, default }`. */
function argument(a: Routine["arguments"][number]): unknown {
  if (a.name === undefined && a.mode === undefined && a.default === undefined) return a.type;
  return code(options({ name: a.name, type: a.type, mode: a.mode, default: a.default !== undefined ? code(sqlCode(a.default)) : undefined }));
}

export function routineDeclaration(ctx: PullContext, r: Routine): Declaration {
  const key = { schema: r.schema, name: routineKey(r) };
  const d = declaration("routine", key, ctx.exportName("routine", key)!);
  const fn = r.kind === "function" ? "func" : "procedure";
  d.imports.add(fn);
  d.imports.add("sql");
  const opts = options({
    schema: r.schema,
    args: r.arguments.length > 0 ? r.arguments.map(argument) : undefined,
    returns: r.kind === "function" ? r.returns : undefined,
    language: r.language === "sql" ? undefined : r.language,
    body: code(sqlCode(r.body)),
    volatility: r.volatility,
    strict: r.strict || undefined,
    securityDefiner: r.securityDefiner || undefined,
    leakproof: r.leakproof || undefined,
    parallel: r.parallel,
    cost: r.cost !== undefined ? code(r.cost) : undefined,
    rows: r.rows !== undefined ? code(r.rows) : undefined,
    set: r.config && r.config.length > 0 ? Object.fromEntries(r.config) : undefined,
    comment: r.comment,
    deterministic: r.deterministic || undefined,
    dataAccess: r.dataAccess,
    securityInvoker: r.securityInvoker || undefined,
    parameterText: r.parameterText !== undefined && r.parameterText !== plainParameters(r) ? r.parameterText : undefined,
  });
  d.code = `export const ${d.exportName} = ${fn}(${str(r.name)}, ${opts});`;
  return d;
}

/** MySQL's parameter list as kiln writes it when a model does not lay it out (`IN p_id INT, OUT n INT`; functions without modes). */
function plainParameters(r: Routine): string {
  return r.arguments.map((a) => [r.kind === "procedure" ? (a.mode ?? "in").toUpperCase() : "", a.name ?? "", a.type].filter((part) => part !== "").join(" ")).join(", ");
}
