/** Domains -> `export const email = domain("email", "text", { schema, notNull, checks: { name: sql`...` } });` */
import type { Domain } from "../catalog/domains.js";
import { code, options, sqlCode, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

export function domainDeclaration(ctx: PullContext, domain: Domain): Declaration {
  const d = declaration("domain", domain, ctx.exportName("type", domain)!);
  d.imports.add("domain");
  if (domain.checks.length > 0 || domain.default !== undefined) d.imports.add("sql");
  const checks = domain.checks.length > 0 ? Object.fromEntries(domain.checks.map((c) => [c.name, code(sqlCode(c.expression))])) : undefined;
  const opts = options({
    schema: domain.schema,
    default: domain.default !== undefined ? code(sqlCode(domain.default)) : undefined,
    notNull: domain.notNull || undefined,
    collation: domain.collation,
    checks,
    comment: domain.comment,
  });
  d.code = `export const ${d.exportName} = domain(${[str(domain.name), str(domain.type), ...(opts ? [opts] : [])].join(", ")});`;
  return d;
}
