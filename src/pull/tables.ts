/**
 * Tables -> `export const x = table("x", { columns }, (t) => [extras], { options })`,
 * or partitionOf(parent, "x", bound, ...) for a partition. Single-column keys
 * and references go on the column (`.primaryKey()`, `.unique()`,
 * `.references(() => users.id)`); everything else is an extra. Names are left
 * out where the naming convention gives the same one.
 */
import { elementColumn, elementExpression, elementOptions } from "../catalog/index-elements.js";
import { keyIndexOptions } from "../catalog/key-index.js";
import type { CheckConstraint, Column, ExclusionConstraint, ForeignKey, Index, IndexElement, PrimaryKey, Table, UniqueConstraint } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import { expressionToken } from "../schema/naming.js";
import { code, options, sqlCode, str, value } from "./code.js";
import { typeCall } from "./column-types.js";
import { declaration, type Declaration, type PullContext } from "./context.js";
import { member } from "./names.js";

const INDENT = "  ";

/** Tables whose foreign keys lead back to themselves (a cycle): their references spell the return type. */
export function cyclicTables(tables: readonly Table[]): Set<string> {
  const edges = new Map<string, string[]>();
  for (const t of tables) edges.set(qualifiedName(t), t.foreignKeys.map((fk) => qualifiedName({ schema: fk.refSchema, name: fk.refTable })));
  // Tarjan's strongly connected components, iteratively.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cyclic = new Set<string>();
  let counter = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, i] = frame;
      const next = (edges.get(node) ?? []).filter((n) => edges.has(n));
      if (i < next.length) {
        frame[1]++;
        const to = next[i]!;
        if (to === node) cyclic.add(node);
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push([to, 0]);
        } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(node)!));
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== node);
        if (component.length > 1) for (const c of component) cyclic.add(c);
      }
    }
  }
  return cyclic;
}

export interface TableWriter {
  ctx: PullContext;
  /** The extras callback's parameter: `t` for a table, `v` for a materialized view. */
  alias?: string;
  table: Table;
  d: Declaration;
  cyclic: Set<string>;
}

/** The reference to another table's column (`users.id`), or undefined when that table is not pulled. */
function columnOf(w: TableWriter, schema: string | undefined, table: string, column: string): string | undefined {
  const target = w.ctx.table(schema, table);
  if (!target) return undefined;
  const exportName = w.ctx.exportName("table", target)!;
  if (exportName !== w.d.exportName) w.d.uses.add(exportName);
  return member(exportName, w.ctx.key(target, column));
}

function own(w: TableWriter, column: string): string {
  return member(w.alias ?? "t", w.ctx.key(w.table, column));
}

/** How a single-column primary key, unique or reference can sit on its column. */
interface ColumnLevel {
  primaryKey?: boolean;
  unique?: { name?: string };
  references?: ForeignKey;
}

function conventionalPk(w: TableWriter, pk: PrimaryKey): boolean {
  return w.ctx.conventional("pk", pk.name, { table: w.table.name, columns: pk.columns });
}

function conventionalUnique(w: TableWriter, u: UniqueConstraint): boolean {
  return w.ctx.conventional("uq", u.name, { table: w.table.name, columns: u.columns });
}

function conventionalFk(w: TableWriter, fk: ForeignKey): boolean {
  return w.ctx.conventional("fk", fk.name, { table: w.table.name, columns: fk.columns, referredTable: fk.refTable, referredColumns: fk.refColumns });
}

function plainKey(k: PrimaryKey | UniqueConstraint): boolean {
  return Object.keys(keyIndexOptions(k)).length === 0 && k.deferrable === undefined && k.comment === undefined && !(k as UniqueConstraint).nullsNotDistinct;
}

/** Decides which keys and references go on the columns. */
function columnLevel(w: TableWriter): { byColumn: Map<string, ColumnLevel>; pkOnColumn: boolean; uniquesOnColumn: Set<UniqueConstraint>; fksOnColumn: Set<ForeignKey> } {
  const byColumn = new Map<string, ColumnLevel>();
  const at = (c: string) => byColumn.get(c) ?? (byColumn.set(c, {}), byColumn.get(c)!);
  const pk = w.table.primaryKey;
  // A partition's columns are its parent's (partitionOf): its own keys and references are extras.
  if (w.table.partitionOf && w.ctx.table(w.table.partitionOf.schema, w.table.partitionOf.table)) {
    return { byColumn, pkOnColumn: false, uniquesOnColumn: new Set(), fksOnColumn: new Set() };
  }
  const pkOnColumn = pk !== undefined && pk.columns.length === 1 && plainKey(pk) && conventionalPk(w, pk) && !w.table.partitionOf;
  if (pkOnColumn) at(pk.columns[0]!).primaryKey = true;
  const uniquesOnColumn = new Set<UniqueConstraint>();
  for (const u of w.table.uniques) {
    if (u.columns.length !== 1 || !plainKey(u) || at(u.columns[0]!).unique) continue;
    at(u.columns[0]!).unique = conventionalUnique(w, u) ? {} : { name: u.name! };
    uniquesOnColumn.add(u);
  }
  const fksOnColumn = new Set<ForeignKey>();
  for (const fk of w.table.foreignKeys) {
    const plain = fk.columns.length === 1 && fk.match === undefined && fk.deferrable === undefined && !fk.notValid && fk.comment === undefined;
    if (!plain || at(fk.columns[0]!).references) continue;
    at(fk.columns[0]!).references = fk;
    fksOnColumn.add(fk);
  }
  return { byColumn, pkOnColumn, uniquesOnColumn, fksOnColumn };
}

const NUMBER_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** `.default(...)`: a JavaScript literal where it gives the very same text, else sql`...`. */
function defaultCall(w: TableWriter, column: Column, literal: string): string {
  const text = column.default!;
  if (text === "NULL") return ".default(null)";
  if (literal === "number" && NUMBER_TEXT.test(text) && String(Number(text)) === text) return `.default(${text})`;
  if (literal === "boolean" && (text === "true" || text === "false")) return `.default(${text})`;
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (literal === "string" && quoted) return `.default(${str(quoted[1]!.replace(/''/g, "'"))})`;
  // `'active'::character varying`: the literal the database stores that way for this type.
  const plain = literal === "string" ? w.ctx.options.stringDefault?.(text, column.type) : undefined;
  if (plain !== undefined) return `.default(${str(plain)})`;
  w.d.imports.add("sql");
  return `.default(${sqlCode(text)})`;
}

/** The options of the sequence behind an identity or serial column (`as` only for a serial's sequence of another type). */
function sequenceOptions(column: Column, withType: boolean): string {
  const s = column.sequence;
  if (!s) return "";
  const n = (v: string | undefined) => (v === undefined ? undefined : code(Number.isSafeInteger(Number(v)) ? v : `${v}n`));
  return options({
    ...(withType ? { as: s.type } : {}),
    start: n(s.start),
    increment: n(s.increment),
    minValue: n(s.min),
    maxValue: n(s.max),
    cache: n(s.cache),
    cycle: s.cycle || undefined,
    ...(withType && s.unlogged !== undefined ? { unlogged: s.unlogged } : {}),
  });
}

/** `.collate("C")`, or `.collate("german", { schema: "app" })` for a collation of another schema. */
function collateCall(collation: string): string {
  const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
  const m = /^("(?:[^"]|"")+"|[^".]+)\.("(?:[^"]|"")+"|[^".]+)$/.exec(collation);
  if (m) return `.collate(${str(unquote(m[2]!))}, { schema: ${str(unquote(m[1]!))} })`;
  return `.collate(${str(unquote(collation))})`;
}

function columnCode(w: TableWriter, column: Column, level: ColumnLevel | undefined): string {
  const key = w.ctx.key(w.table, column.name);
  const name = key === column.name ? undefined : column.name;
  const type = typeCall(w.ctx, column.type, w.table.schema, w.d);
  const serial = column.autoIncrement && !column.identity && column.default === undefined && !column.generated ? type.serial : undefined;
  let text = serial ? serial(name, sequenceOptions(column, true)) : type.render(name);
  const impliedNotNull = Boolean(serial) || column.identity !== undefined || level?.primaryKey;
  if (level?.primaryKey) text += ".primaryKey()";
  if (!column.nullable && !impliedNotNull) text += ".notNull()";
  const sequenceName = `${w.table.name}_${column.name}_seq`;
  if (column.sequence && (column.identity || serial) && column.sequence.name !== sequenceName) {
    w.ctx.notes.push(`${where(w)}: the sequence behind column ${column.name} is named ${column.sequence.name}; created from the models it is named ${sequenceName}`);
  }
  if (column.autoIncrement && !serial) w.ctx.notes.push(`${where(w)}: column ${column.name} auto-increments, which the models cannot say for a ${column.type} column; it is written without`);
  if (column.identity) text += `.${column.identity.always ? "generatedAlwaysAsIdentity" : "generatedByDefaultAsIdentity"}(${sequenceOptions(column, false)})`;
  if (column.default !== undefined) text += defaultCall(w, column, type.literal);
  if (column.generated) {
    w.d.imports.add("sql");
    text += `.generatedAlwaysAs(${sqlCode(column.generated.expression)}, { stored: ${column.generated.stored} })`;
  }
  if (column.collation !== undefined) text += collateCall(column.collation);
  if (column.charset !== undefined) text += `.charset(${str(column.charset)})`;
  if (column.onUpdate !== undefined) {
    w.d.imports.add("sql");
    text += `.onUpdate(${sqlCode(column.onUpdate)})`;
  }
  if (level?.unique) text += `.unique(${level.unique.name !== undefined ? str(level.unique.name) : ""})`;
  if (level?.references) {
    const fk = level.references;
    const target = columnOf(w, fk.refSchema, fk.refTable, fk.refColumns[0]!);
    if (target) {
      const cyclic = w.cyclic.has(qualifiedName(w.table));
      if (cyclic) w.d.imports.add("AnyColumn");
      const opts = options({ name: conventionalFk(w, fk) ? undefined : fk.name, onDelete: fk.onDelete, onUpdate: fk.onUpdate });
      text += `.references(${cyclic ? "(): AnyColumn" : "()"} => ${target}${opts ? `, ${opts}` : ""})`;
    }
  }
  if (column.statistics !== undefined) text += `.statistics(${column.statistics})`;
  if (column.comment !== undefined) text += `.comment(${str(column.comment)})`;
  return `${INDENT}${key}: ${text},`;
}

function where(w: TableWriter): string {
  return `table ${qualifiedName(w.table)}`;
}

function columnList(w: TableWriter, columns: readonly string[]): string {
  return `[${columns.map((c) => own(w, c)).join(", ")}]`;
}

function keyIndexCode(w: TableWriter, k: PrimaryKey | UniqueConstraint): Record<string, unknown> {
  const o = keyIndexOptions(k);
  return { include: o.include ? code(columnList(w, o.include)) : undefined, with: o.with, tablespace: o.tablespace };
}

function primaryKeyExtra(w: TableWriter, pk: PrimaryKey): string {
  w.d.imports.add("primaryKey");
  const name = conventionalPk(w, pk) ? undefined : pk.name;
  return `primaryKey(${options({ name, columns: code(columnList(w, pk.columns)), ...keyIndexCode(w, pk), deferrable: pk.deferrable, comment: pk.comment })})`;
}

function uniqueExtra(w: TableWriter, u: UniqueConstraint): string {
  w.d.imports.add("unique");
  const name = conventionalUnique(w, u) ? undefined : u.name;
  const opts = options({ nullsNotDistinct: u.nullsNotDistinct || undefined, ...keyIndexCode(w, u), deferrable: u.deferrable, comment: u.comment });
  const args = opts ? [name === undefined ? "undefined" : str(name), opts] : name === undefined ? [] : [str(name)];
  return `unique(${args.join(", ")}).on(${u.columns.map((c) => own(w, c)).join(", ")})`;
}

function foreignKeyExtra(w: TableWriter, fk: ForeignKey): string | undefined {
  const targets = fk.refColumns.map((c) => columnOf(w, fk.refSchema, fk.refTable, c));
  if (targets.some((t) => t === undefined)) return undefined;
  w.d.imports.add("foreignKey");
  return `foreignKey(${options({
    name: conventionalFk(w, fk) ? undefined : fk.name,
    columns: code(columnList(w, fk.columns)),
    foreignColumns: code(`[${targets.join(", ")}]`),
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
    match: fk.match,
    deferrable: fk.deferrable,
    notValid: fk.notValid || undefined,
    comment: fk.comment,
  })})`;
}

function checkExtra(w: TableWriter, c: CheckConstraint): string {
  w.d.imports.add("check");
  w.d.imports.add("sql");
  const opts = options({ notValid: c.notValid || undefined, comment: c.comment, column: c.column !== undefined ? code(own(w, c.column)) : undefined });
  // Unnamed in the database (SQLite): the naming convention names it in the models, compare matches it by definition.
  if (c.name === undefined) return `check(${sqlCode(c.expression)})`;
  return `check(${[str(c.name), sqlCode(c.expression), ...(opts ? [opts] : [])].join(", ")})`;
}

/** An index or exclusion element: t.key, sql`...`, or key(..., { options }). */
function elementCode(w: TableWriter, element: IndexElement, statistics?: number): string {
  const column = elementColumn(element);
  let target: string;
  if (column !== undefined) target = own(w, column);
  else {
    w.d.imports.add("sql");
    target = sqlCode(elementExpression(element)!);
  }
  const o = elementOptions(element);
  if (Object.keys(o).length === 0 && statistics === undefined) return target;
  const unquote = (s: string) => (/^"[^".]+"$/.test(s) ? s.slice(1, -1) : s);
  if (Object.keys(o).length === 1 && o.descending && statistics === undefined) {
    w.d.imports.add("desc");
    return `desc(${target})`;
  }
  w.d.imports.add("key");
  return `key(${target}, ${options({
    collate: o.collation !== undefined ? unquote(o.collation) : undefined,
    opclass: o.opclass,
    opclassParams: o.opclassParams,
    order: o.descending ? "desc" : undefined,
    nulls: o.nulls,
    statistics,
  })})`;
}

export function indexExtra(w: TableWriter, ix: Index): string {
  const tokens = ix.columns.map((c) => elementColumn(c) ?? expressionToken(elementExpression(c)!));
  const name = w.ctx.conventional("ix", ix.name, { table: w.table.name, columns: tokens }) ? undefined : ix.name;
  const fn = ix.unique ? "uniqueIndex" : "index";
  w.d.imports.add(fn);
  let text = `${fn}(${name === undefined ? "" : str(name)}).on(${ix.columns.map((e, i) => elementCode(w, e, ix.statistics?.[String(i + 1)])).join(", ")})`;
  if (ix.method !== undefined) text += `.using(${str(ix.method)})`;
  if (ix.include && ix.include.length > 0) text += `.include(${ix.include.map((c) => own(w, c)).join(", ")})`;
  if (ix.nullsNotDistinct) text += ".nullsNotDistinct()";
  if (ix.where !== undefined) {
    w.d.imports.add("sql");
    text += `.where(${sqlCode(ix.where)})`;
  }
  if (ix.with && Object.keys(ix.with).length > 0) text += `.with(${value(ix.with)})`;
  if (ix.tablespace !== undefined) text += `.tablespace(${str(ix.tablespace)})`;
  if (ix.comment !== undefined) text += `.comment(${str(ix.comment)})`;
  return text;
}

function exclusionExtra(w: TableWriter, ex: ExclusionConstraint): string {
  w.d.imports.add("exclude");
  const tokens = ex.elements.map((e) => elementColumn(e.element) ?? expressionToken(elementExpression(e.element)!));
  const conventional = ex.name !== undefined && w.ctx.conventionalName(ex.name, "%(table_name)s_%(column_0_N_name)s_excl", { table: w.table.name, columns: tokens });
  let text = `exclude(${conventional || ex.name === undefined ? "" : str(ex.name)})`;
  if (ex.method !== "gist") text += `.using(${str(ex.method)})`;
  text += `.on(${ex.elements.map((e) => `[${elementCode(w, e.element)}, ${str(e.operator)}]`).join(", ")})`;
  if (ex.where !== undefined) {
    w.d.imports.add("sql");
    text += `.where(${sqlCode(ex.where)})`;
  }
  if (ex.include && ex.include.length > 0) text += `.include(${ex.include.map((c) => own(w, c)).join(", ")})`;
  if (ex.with && Object.keys(ex.with).length > 0) text += `.with(${value(ex.with)})`;
  if (ex.deferrable !== undefined) text += `.deferrable(${str(ex.deferrable)})`;
  if (ex.comment !== undefined) text += `.comment(${str(ex.comment)})`;
  if (ex.tablespace !== undefined) w.ctx.notes.push(`${where(w)}: the tablespace of exclusion constraint ${ex.name} cannot be said in the models; it is left out`);
  return text;
}

function tableOptions(w: TableWriter): string {
  const t = w.table;
  const o = t.options ?? {};
  return options({
    schema: t.partitionOf ? t.schema : t.schema,
    comment: t.comment,
    engine: o.engine,
    charset: o.charset,
    collate: o.collation,
    rowFormat: o.rowFormat,
    autoIncrement: o.autoIncrement,
    strict: o.strict || undefined,
    withoutRowid: o.withoutRowid || undefined,
    partitionBy: t.partitionBy ? { strategy: t.partitionBy.strategy, key: t.partitionBy.key } : undefined,
    rowLevelSecurity: rowLevelSecurity(t),
    unlogged: t.unlogged || undefined,
    with: t.with && Object.keys(t.with).length > 0 ? t.with : undefined,
    clusterOn: t.clusterOn,
    distribution: t.distribution ? (t.distribution.kind === "reference" ? "reference" : { column: t.distribution.column }) : undefined,
  });
}

/** `rowLevelSecurity: true`, `"force"`, or `{ force: true }` (forced without being enabled). */
function rowLevelSecurity(t: Table): unknown {
  const rls = t.rowLevelSecurity;
  if (!rls || (!rls.enabled && !rls.forced)) return undefined;
  if (rls.enabled && rls.forced) return "force";
  return rls.enabled ? true : { force: true };
}

export function tableDeclaration(ctx: PullContext, table: Table, cyclic: Set<string>): Declaration {
  const exportName = ctx.exportName("table", table)!;
  const d = declaration("table", table, exportName);
  const w: TableWriter = { ctx, table, d, cyclic };
  const level = columnLevel(w);
  const extras: string[] = [];
  if (table.primaryKey && !level.pkOnColumn) extras.push(primaryKeyExtra(w, table.primaryKey));
  for (const u of table.uniques) if (!level.uniquesOnColumn.has(u)) extras.push(uniqueExtra(w, u));
  for (const fk of table.foreignKeys) {
    if (level.fksOnColumn.has(fk)) {
      if (!ctx.table(fk.refSchema, fk.refTable)) missingReference(w, fk);
      continue;
    }
    const text = foreignKeyExtra(w, fk);
    if (text === undefined) missingReference(w, fk);
    else extras.push(text);
  }
  for (const c of table.checks) extras.push(checkExtra(w, c));
  for (const ix of table.indexes) extras.push(indexExtra(w, ix));
  for (const ex of table.exclusions ?? []) extras.push(exclusionExtra(w, ex));
  for (const trigger of table.triggers ?? []) ctx.notes.push(`${where(w)}: trigger ${trigger.name} is not modelled by kiln; it stays in the database as it is`);

  const opts = tableOptions(w);
  const extrasCode = extras.length > 0 ? `(t) => [\n${extras.map((e) => `${INDENT}${e},`).join("\n")}\n]` : "";
  if (table.partitionOf) {
    const parent = ctx.table(table.partitionOf.schema, table.partitionOf.table);
    const parentExport = parent ? ctx.exportName("table", parent) : undefined;
    if (parentExport) {
      d.imports.add("partitionOf");
      d.uses.add(parentExport);
      d.eager.add(parentExport);
      const partOptions = options({
        schema: table.schema,
        comment: table.comment,
        partitionBy: table.partitionBy ? { strategy: table.partitionBy.strategy, key: table.partitionBy.key } : undefined,
      });
      const args = [parentExport, str(table.name), str(table.partitionOf.bound), ...(extrasCode ? [extrasCode] : []), ...(partOptions ? [partOptions] : [])];
      d.code = `export const ${exportName} = partitionOf(${args.join(", ")});`;
      return d;
    }
    ctx.notes.push(`${where(w)} is a partition of ${qualifiedName({ schema: table.partitionOf.schema, name: table.partitionOf.table })}, which was not pulled; it is written as a table of its own`);
  }
  d.imports.add("table");
  const columns = table.columns.map((c) => columnCode(w, c, level.byColumn.get(c.name))).join("\n");
  const args = [str(table.name), `{\n${columns}\n}`, ...(extrasCode ? [extrasCode] : opts ? ["undefined"] : []), ...(opts ? [opts] : [])];
  d.code = `export const ${exportName} = table(${args.join(", ")});`;
  return d;
}

function missingReference(w: TableWriter, fk: ForeignKey): void {
  w.ctx.notes.push(
    `${where(w)}: foreign key ${fk.name ?? `(${fk.columns.join(", ")})`} refers to ${qualifiedName({ schema: fk.refSchema, name: fk.refTable })}, which was not pulled; it is left out of the models (pull that table too, or add the reference by hand)`,
  );
}
