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
 * columns the union of their values.
 */
import type { Catalog, Column, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";

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

function columnType(column: Column, enums: Map<string, string[]>): string {
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

/** The .d.ts text for `catalog`; `source` names the models in the header comment. */
export function kyselyTypes(catalog: Catalog, source: string): string {
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
  const imports = [...uses].sort();
  const header = [
    `// Kysely types of the models in ${JSON.stringify(source).slice(1, -1).replace(/\*\//g, "*\\/")}, written by \`kiln types --kysely\`.`,
    "// Do not edit: run the command again after changing the models.",
    ...(imports.length > 0 ? [`import type { ${imports.join(", ")} } from "kysely";`] : []),
    "",
  ];
  const db = `export interface DB {\n${tables.map(({ key, name }) => `  ${propertyName(key)}: ${name};`).join("\n")}\n}\n`;
  return `${header.join("\n")}\n${[...bodies, db].join("\n")}`;
}
