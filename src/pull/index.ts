/**
 * Catalog -> kiln/schema TypeScript (pure): the models `kiln pull` writes.
 *
 * Each Catalog kind has its own writer (tables.ts, enums.ts, sequences.ts,
 * domains.ts, composite-types.ts, extensions.ts, operators.ts, ...); a new kind adds a writer and
 * one line in `declarations` below. This module only places the declarations
 * in files (one file, one per schema, or one per table), orders them so that
 * what a module evaluates at load time comes first, and writes the imports.
 */
import type { Catalog } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import { compositeTypeDeclaration } from "./composite-types.js";
import { PullContext, type Declaration, type PullOptions } from "./context.js";
import { domainDeclaration } from "./domains.js";
import { collationDeclaration } from "./collations.js";
import { enumDeclaration } from "./enums.js";
import { extensionDeclaration } from "./extensions.js";
import { inferNaming } from "./naming.js";
import { declaredSchemas, schemaDeclaration } from "./schemas.js";
import { sequenceDeclaration } from "./sequences.js";
import { cyclicTables, tableDeclaration } from "./tables.js";
import { viewDeclaration } from "./views.js";
import { policyDeclaration } from "./policies.js";
import { routineDeclaration } from "./routines.js";
import { aggregateDeclaration } from "./aggregates.js";
import { triggerDeclaration } from "./triggers.js";
import { operatorDeclaration } from "./operators.js";
import { grantDeclaration } from "./grants.js";

export { inferNaming } from "./naming.js";
export type { PullOptions } from "./context.js";

export type Split = "none" | "schema" | "table";

export interface RenderModelsOptions extends PullOptions {
  split?: Split;
  /** The file name for the default schema's file with split "schema" (e.g. "public", "main"). */
  defaultSchemaName?: string;
  /** The first line(s) of every file, e.g. where the models were pulled from. */
  header?: string[];
}

export interface ModelFile {
  /** Relative to the output: `schema.ts` for one file; `index.ts`, `types.ts`, `<name>.ts` when split. */
  path: string;
  content: string;
}

export interface RenderedModels {
  files: ModelFile[];
  /** The file the config's `models` names (the one file, or the index that re-exports the others). */
  entry: string;
  /** What the models cannot say (kiln leaves those parts alone, or reports them on `check`). */
  notes: string[];
  tables: number;
}

/** Every name the writers may import from kiln-migrate/schema: no export may shadow one. */
const DSL_NAMES = [
  "table", "schema", "enumType", "sequence", "domain", "compositeType", "extension", "collation", "partitionOf", "sql", "check", "index", "uniqueIndex",
  "unique", "primaryKey", "foreignKey", "key", "desc", "exclude", "customType", "smallint", "integer", "bigint", "serial", "smallserial",
  "bigserial", "numeric", "real", "doublePrecision", "boolean", "text", "varchar", "char", "date", "time", "timestamp", "datetime",
  "interval", "uuid", "json", "jsonb", "bytea", "AnyColumn", "view", "materializedView", "policy", "func", "procedure", "trigger", "grant", "operator", "revokePublic", "aggregate",
];

/** Every declaration of the Catalog, types before tables. */
function declarations(ctx: PullContext, catalog: Catalog): Declaration[] {
  const cyclic = cyclicTables(catalog.tables);
  return [
    ...declaredSchemas(catalog).map((name) => schemaDeclaration(ctx, name)),
    ...(catalog.extensions ?? []).map((x) => extensionDeclaration(ctx, x)),
    ...(catalog.collations ?? []).map((c) => collationDeclaration(ctx, c)),
    ...catalog.enums.map((e) => enumDeclaration(ctx, e)),
    ...(catalog.domains ?? []).map((x) => domainDeclaration(ctx, x)),
    ...(catalog.compositeTypes ?? []).map((x) => compositeTypeDeclaration(ctx, x)),
    ...(catalog.sequences ?? []).map((x) => sequenceDeclaration(ctx, x)),
    ...catalog.tables.map((t) => tableDeclaration(ctx, t, cyclic)),
    ...(catalog.views ?? []).map((v) => viewDeclaration(ctx, v)),
    ...(catalog.routines ?? []).map((r) => routineDeclaration(ctx, r)),
    ...(catalog.operators ?? []).map((o) => operatorDeclaration(ctx, o)),
    ...(catalog.aggregates ?? []).map((a) => aggregateDeclaration(ctx, a)),
    ...(catalog.policies ?? []).map((p) => policyDeclaration(ctx, p)),
    ...(catalog.triggers ?? []).map((t) => triggerDeclaration(ctx, t)),
    ...(catalog.grants ?? []).map((g) => grantDeclaration(ctx, g)),
  ];
}

/** Declarations ordered so that each comes after what it needs at load time (a partition after its parent). */
function loadOrder(list: Declaration[]): Declaration[] {
  const byExport = new Map(list.map((d) => [d.exportName, d]));
  const done = new Set<string>();
  const out: Declaration[] = [];
  const visit = (d: Declaration) => {
    if (done.has(d.exportName)) return;
    done.add(d.exportName);
    for (const need of d.eager) {
      const other = byExport.get(need);
      if (other) visit(other);
    }
    out.push(d);
  };
  for (const d of list) visit(d);
  return out;
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}

function importLine(names: Iterable<string>, from: string): string {
  const sorted = [...new Set(names)].sort((a, b) => a.localeCompare(b)).map((n) => (n === "AnyColumn" ? "type AnyColumn" : n));
  const one = `import { ${sorted.join(", ")} } from ${JSON.stringify(from)};`;
  if (one.length <= 100) return one;
  const lines: string[] = [];
  let line = " ";
  for (const n of sorted) {
    if (line.length + n.length + 2 > 100) {
      lines.push(line.trimEnd());
      line = " ";
    }
    line += ` ${n},`;
  }
  lines.push(line.trimEnd());
  return `import {\n${lines.join("\n")}\n} from ${JSON.stringify(from)};`;
}

export function renderModels(catalog: Catalog, options: RenderModelsOptions): RenderedModels {
  const ctx = new PullContext(catalog, options, DSL_NAMES);
  const all = loadOrder(declarations(ctx, catalog));
  const split = options.split ?? "none";
  const header = (options.header ?? []).map((line) => `// ${line}`);

  // Which file each declaration goes to.
  const fileOf = new Map<string, string>();
  const byExport = new Map(all.map((d) => [d.exportName, d]));
  const parentOf = (d: Declaration): Declaration => {
    // A partition lives with its parent (partitionOf evaluates the parent).
    for (const need of d.eager) {
      const other = byExport.get(need);
      if (other?.kind === "table") return parentOf(other);
    }
    return d;
  };
  for (const d of all) {
    if (split === "none") fileOf.set(d.exportName, "schema.ts");
    else if (d.kind === "policy" || d.kind === "trigger" || d.kind === "grant") fileOf.set(d.exportName, fileOf.get([...d.eager][0] ?? "") ?? "types.ts");
    else if (d.kind !== "table" && d.kind !== "view") fileOf.set(d.exportName, "types.ts");
    else if (split === "schema") fileOf.set(d.exportName, `${safeFileName(d.schema ?? options.defaultSchemaName ?? "public")}.ts`);
    else fileOf.set(d.exportName, `${safeFileName(parentOf(d).exportName)}.ts`);
  }

  const files = new Map<string, Declaration[]>();
  for (const d of all) {
    const file = fileOf.get(d.exportName)!;
    const list = files.get(file);
    if (list) list.push(d);
    else files.set(file, [d]);
  }
  const out: ModelFile[] = [];
  for (const [path, list] of files) {
    const dsl = new Set(list.flatMap((d) => [...d.imports]));
    const local = new Map<string, Set<string>>();
    for (const d of list) {
      for (const used of d.uses) {
        const from = fileOf.get(used);
        if (from === undefined || from === path) continue;
        const names = local.get(from);
        if (names) names.add(used);
        else local.set(from, new Set([used]));
      }
    }
    const imports = [
      importLine(dsl, "kiln-migrate/schema"),
      ...[...local.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([from, names]) => importLine(names, `./${from.replace(/\.ts$/, ".js")}`)),
    ];
    const body = list.map((d) => d.code).join("\n\n");
    out.push({ path, content: [...header, ...imports, "", body, ""].join("\n") });
  }
  if (split !== "none") {
    const names = [...files.keys()].sort((a, b) => (a === "types.ts" ? -1 : b === "types.ts" ? 1 : a.localeCompare(b)));
    const lines = names.map((f) => `export * from "./${f.replace(/\.ts$/, ".js")}";`);
    out.unshift({ path: "index.ts", content: [...header, ...lines, ""].join("\n") });
  }
  return { files: out, entry: split === "none" ? "schema.ts" : "index.ts", notes: ctx.notes, tables: catalog.tables.length };
}

/** The database's naming convention (see naming.ts), for the config. */
export function namingFor(catalog: Catalog, limit: PullOptions["limit"]) {
  return inferNaming(catalog, limit);
}

export { qualifiedName };
