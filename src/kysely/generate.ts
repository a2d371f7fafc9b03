/**
 * `kiln types --kysely`: the models' Catalog as a Kysely `Database` interface in
 * a .d.ts file, for projects that prefer generated code to the type-level
 * `KyselyDatabase<typeof schema>` (index.ts). Pure: Catalog in, text out.
 *
 * Value types follow what the Node drivers return by default on PostgreSQL
 * (bigint and numeric as strings, timestamps as Date, json as unknown); the
 * select, insert and update types differ where writing accepts more (a date as
 * ISO text, a string-typed number as a number). Identity, serial and defaulted
 * columns are `Generated<>`, GENERATED ALWAYS ones `GeneratedAlways<>`; enum
 * columns the union of their values. Views and materialized views are
 * read-only tables (`ColumnType<T, never, never>` for every column): their
 * column types come from `viewColumns` (view-columns.ts); a view whose columns
 * are not known has columns of any name, typed `unknown`.
 */
import type { Catalog, Column, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import type { ViewColumn } from "./view-columns.js";

const NUMBER = /^(smallint|integer|int|real|double precision|float|double|tinyint|mediumint)(\(\d+\))?( unsigned)?$/;
const STRING_NUMBER = /^(bigint|numeric|decimal)(\(.*\))?( unsigned)?$/;
const DATE = /^(date|timestamp|timestamptz|datetime)(\(\d\))?$/;

interface TsType {
  select: string;
  /** What INSERT and UPDATE accept, when more than `select`. */
  write?: string;
}

function scalarType(type: string, enums: Map<string, string[]>): TsType {
  const t = type.trim().toLowerCase();
  if (t === "boolean" || t === "bool") return { select: "boolean" };
  if (NUMBER.test(t)) return { select: "number" };
  if (STRING_NUMBER.test(t)) return { select: "string", write: "string | number | bigint" };
  if (DATE.test(t)) return { select: "Date", write: "Date | string" };
  if (t === "json" || t === "jsonb") return { select: "unknown" };
  if (t === "bytea" || t === "blob" || /blob$/.test(t)) return { select: "Buffer" };
  const inline = /^enum\((.*)\)$/i.exec(type.trim());
  if (inline) return { select: [...inline[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => JSON.stringify(m[1]!.replace(/''/g, "'"))).join(" | ") };
  const values = enums.get(type.trim());
  if (values) return { select: values.map((v) => JSON.stringify(v)).join(" | ") };
  return { select: "string" };
}

/** The TypeScript types a column is read as and written as (the latter when wider). */
function valueTypes(column: Pick<Column, "type" | "nullable">, enums: Map<string, string[]>): { select: string; write?: string } {
  let depth = 0;
  let base = column.type;
  while (base.endsWith("[]")) {
    base = base.slice(0, -2);
    depth++;
  }
  const scalar = scalarType(base, enums);
  const wrap = (t: string) => (depth === 0 ? t : `${t.includes(" ") ? `(${t})` : t}${"[]".repeat(depth)}`);
  const select = wrap(scalar.select) + (column.nullable ? " | null" : "");
  const write = scalar.write ? wrap(scalar.write) + (column.nullable ? " | null" : "") : undefined;
  return write === undefined ? { select } : { select, write };
}

function columnType(column: Column, enums: Map<string, string[]>): string {
  const { select, write } = valueTypes(column, enums);
  if (column.identity?.always || column.generated) return `GeneratedAlways<${select}>`;
  const filled = column.identity !== undefined || column.autoIncrement === true || column.default !== undefined;
  if (filled) return write ? `ColumnType<${select}, ${write} | undefined, ${write}>` : `Generated<${select}>`;
  return write ? `ColumnType<${select}, ${write}, ${write}>` : select;
}

function interfaceName(key: string, taken: Set<string>): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("") || "Table";
  if (/^\d/.test(name)) name = `T${name}`;
  let unique = name;
  for (let i = 2; taken.has(unique) || unique === "DB"; i++) unique = `${name}${i}`;
  taken.add(unique);
  return unique;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The property of a view's interface that makes Kysely refuse an INSERT into it (see ReadOnlyView in index.ts). */
const VIEW_MARKER = "(read-only view)";

/** A view's column: readable only. */
function viewColumnType(column: ViewColumn, enums: Map<string, string[]>): string {
  if (column.type === undefined) return "ColumnType<unknown, never, never>";
  return `ColumnType<${valueTypes({ type: column.type, nullable: column.nullable }, enums).select}, never, never>`;
}

/** The .d.ts text for `catalog`; `source` names the models in the header comment; `viewColumns` types the views' columns (by qualified name). */
export function kyselyTypes(catalog: Catalog, source: string, viewColumns: Map<string, ViewColumn[]> = new Map()): string {
  const enums = new Map<string, string[]>();
  for (const e of catalog.enums) enums.set(qualifiedName(e), e.values);
  const taken = new Set<string>();
  const tables = catalog.tables.filter((t: Table) => !t.partitionOf).map((t) => ({ key: qualifiedName(t), table: t, name: interfaceName(qualifiedName(t), taken) }));
  const uses = new Set<string>();
  const bodies = tables.map(({ table, name }) => {
    const lines = table.columns.map((c) => {
      const type = columnType(c, enums);
      for (const word of ["ColumnType", "GeneratedAlways", "Generated"]) if (type.startsWith(`${word}<`)) uses.add(word);
      return `  ${propertyName(c.name)}: ${type};`;
    });
    return `export interface ${name} {\n${lines.join("\n")}\n}\n`;
  });
  let viewMarker = false;
  let viewWrite = false;
  const views = (catalog.views ?? []).map((v) => ({ key: qualifiedName(v), view: v, name: interfaceName(qualifiedName(v), taken) }));
  for (const { key, view, name } of views) {
    const known = viewColumns.get(key) ?? view.columnNames?.map((n) => ({ name: n, nullable: true }));
    uses.add("ColumnType");
    const kind = view.materialized ? "materialized view" : "view";
    if (known) {
      viewMarker = true;
      const lines = [`  ${JSON.stringify(VIEW_MARKER)}: ColumnType<never, ViewWrite, ViewWrite>;`, ...known.map((c) => `  ${propertyName(c.name)}: ${viewColumnType(c, enums)};`)];
      bodies.push(`/** The ${kind} ${key}: read-only (the marker is not a column; it makes Kysely refuse an INSERT). */\nexport interface ${name} {\n${lines.join("\n")}\n}\n`);
    } else {
      viewWrite = true;
      bodies.push(`/** The ${kind} ${key}, its columns not declared: any name, read-only. */\nexport interface ${name} {\n  [column: string]: ColumnType<unknown, ViewWrite, ViewWrite>;\n}\n`);
    }
  }
  const imports = [...uses].sort();
  const header = [
    `// Kysely types of the models in ${JSON.stringify(source).slice(1, -1).replace(/\*\//g, "*\\/")}, written by \`kiln types --kysely\`.`,
    "// Do not edit: run the command again after changing the models.",
    ...(imports.length > 0 ? [`import type { ${imports.join(", ")} } from "kysely";`] : []),
    ...(viewMarker || viewWrite ? ["", "/** What no value is: the write type of a view's columns. */", 'type ViewWrite = { readonly "a view cannot be written": never };'] : []),
    "",
  ];
  const entries = [...tables, ...views].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const db = `export interface DB {\n${entries.map(({ key, name }) => `  ${propertyName(key)}: ${name};`).join("\n")}\n}\n`;
  return `${header.join("\n")}\n${[...bodies, db].join("\n")}`;
}
