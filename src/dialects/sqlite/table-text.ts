/**
 * The CREATE TABLE text of a rebuilt table, written as an edit of the table's
 * stored text: every column definition and table constraint the change leaves
 * alone keeps its text exactly (brackets, spacing, case, comments around it),
 * so `.schema` shows only what the revision changed. A changed or new column is
 * written in kiln's spelling (ddl.ts); constraints that lived inside a changed
 * column's definition move to table constraints in kiln's spelling.
 */
import type { Column, Table } from "../../catalog/types.js";
import { autoIncrementColumn, checkClause, columnDefinition, foreignKeyClause, primaryKeyClause, uniqueClause } from "./ddl.js";
import { splitCreateTable, type ParsedConstraint, type TablePart } from "./parse.js";

/** Plain data compared by value, keys in any order, `canonical` entries left out. */
function stable(value: unknown): string {
  return JSON.stringify(value, (key, v) =>
    key === "canonical"
      ? undefined
      : v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}

const lower = (names: string[]) => names.map((n) => n.toLowerCase()).join("\u0000");

type Item = { kind: "primary" | "unique" | "check" | "foreignkey"; value: object };

/** The catalog items of the original table each parsed constraint stands for. */
function itemsOf(parts: TablePart[], table: Table): Map<TablePart, Item[]> {
  const pools = { unique: [...table.uniques], check: [...table.checks], foreignkey: [...table.foreignKeys] };
  const take = <T>(pool: T[], fits: (x: T) => boolean): T | undefined => {
    const at = pool.findIndex(fits);
    return at === -1 ? undefined : pool.splice(at, 1)[0];
  };
  const result = new Map<TablePart, Item[]>();
  for (const part of parts) {
    const items: Item[] = [];
    for (const c of part.constraints as ParsedConstraint[]) {
      let value: object | undefined;
      if (c.kind === "primary") value = table.primaryKey;
      else if (c.kind === "unique") value = take(pools.unique, (u) => lower(u.columns) === lower(c.columns));
      else if (c.kind === "check") value = take(pools.check, (k) => k.expression === c.expression);
      else value = take(pools.foreignkey, (f) => f.refTable.toLowerCase() === c.refTable.toLowerCase() && lower(f.columns) === lower(c.columns));
      // A clause kiln does not read into the catalog (or could not match): the part stays only while the table is untouched.
      items.push(value ? { kind: c.kind, value } : { kind: c.kind, value: { unmatched: true } });
    }
    result.set(part, items);
  }
  return result;
}

/**
 * The new CREATE TABLE text for `rebuilt`, keeping the untouched definitions of
 * `original` (the introspected table) word for word; `options`, when given,
 * replaces the text after the column list. Undefined when the stored
 * text cannot be cut into definitions: the caller then writes the whole table.
 */
export function rebuiltTableText(originalSql: string, original: Table, rebuilt: Table, options?: string): string | undefined {
  const text = splitCreateTable(originalSql);
  if (!text || text.parts.length === 0) return undefined;
  const items = itemsOf(text.parts, original);

  // What of the rebuilt table is still unwritten; kept parts cross their items off.
  const open = {
    primary: rebuilt.primaryKey ? [rebuilt.primaryKey as object] : [],
    unique: [...rebuilt.uniques] as object[],
    check: [...rebuilt.checks] as object[],
    foreignkey: [...rebuilt.foreignKeys] as object[],
  };
  const columnsByName = new Map(rebuilt.columns.map((c) => [c.name.toLowerCase(), c]));
  const originalColumns = new Map(original.columns.map((c) => [c.name.toLowerCase(), c]));

  const kept = new Set<TablePart>();
  const takenBy = new Map<TablePart, { list: object[]; value: object }[]>();
  for (const part of text.parts) {
    if (part.column !== undefined) {
      const before = originalColumns.get(part.column.toLowerCase());
      const after = columnsByName.get(part.column.toLowerCase());
      if (!before || !after || after.name !== before.name || stable(before) !== stable(after)) continue;
    }
    const taken: { list: object[]; value: object }[] = [];
    const all = items.get(part)!.every((item) => {
      const list = open[item.kind];
      const at = list.findIndex((x) => stable(x) === stable(item.value));
      if (at === -1) return false;
      taken.push({ list, value: list.splice(at, 1)[0]! });
      return true;
    });
    if (all) {
      kept.add(part);
      takenBy.set(part, taken);
    } else for (const { list, value } of taken) list.push(value);
  }

  // An AUTOINCREMENT column written anew carries the primary key inline: a kept PRIMARY KEY clause must go.
  const auto = autoIncrementColumn(rebuilt);
  const autoPart = auto && text.parts.find((p) => p.column !== undefined && p.column.toLowerCase() === auto.name.toLowerCase());
  if (auto && !(autoPart && kept.has(autoPart))) {
    for (const part of [...kept]) {
      if (part.column !== undefined || !items.get(part)!.some((i) => i.kind === "primary")) continue;
      kept.delete(part);
      for (const { list, value } of takenBy.get(part) ?? []) list.push(value);
    }
  }

  const lead = text.parts[text.parts.length - 1]!.lead || "\n  ";
  const last = text.parts[text.parts.length - 1]!;
  const pieces: string[] = [];
  const keep = (part: TablePart) => pieces.push(part.lead + part.text + (part === last ? "" : part.trail));
  const write = (definition: string) => pieces.push(lead + definition);

  for (const column of rebuilt.columns) {
    const part = text.parts.find((p) => p.column !== undefined && p.column.toLowerCase() === column.name.toLowerCase() && kept.has(p));
    if (part) keep(part);
    else write(newColumn(column, column === auto ? rebuilt : undefined, open));
  }
  for (const part of text.parts) if (part.column === undefined && kept.has(part)) keep(part);
  const [primaryKey] = open.primary as Table["primaryKey"][];
  if (primaryKey) write(primaryKeyClause(primaryKey));
  for (const u of open.unique) write(uniqueClause(u as Table["uniques"][number]));
  for (const fk of open.foreignkey) write(foreignKeyClause(fk as Table["foreignKeys"][number]));
  for (const ck of open.check) write(checkClause(ck as Table["checks"][number]));

  // `options` given (STRICT / WITHOUT ROWID changed): the closing parenthesis, then those words.
  const tail = options === undefined ? text.tail : `)${options ? ` ${options}` : ""}`;
  return text.head + pieces.join(",") + last.trail + tail;
}

/** A column in kiln's spelling; the auto-increment column carries the primary key inline. */
function newColumn(column: Column, autoOf: Table | undefined, open: { primary: object[] }): string {
  if (!autoOf) return columnDefinition(column);
  open.primary.length = 0;
  return columnDefinition(column, { name: autoOf.primaryKey?.name });
}
