/**
 * Property test: for random pairs of catalogs (database B, models A),
 * - running compare(A, B)'s operations on B gives exactly A,
 * - running their reverse on that gives back B,
 * - rendering them and replaying the text through the facade gives the same operations,
 * - compare(A, A) finds nothing.
 * A seeded PRNG keeps every run identical; a failure names its seed.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import type { Catalog, Column, ForeignKey, Index, Table } from "../../src/catalog/types.js";
import { qualifiedName } from "../../src/catalog/types.js";
import { elementColumn, elementExpression } from "../../src/catalog/index-elements.js";
import { applyOperations } from "../../src/autogenerate/apply.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { normalizeCatalog } from "../../src/autogenerate/normalize.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { mentionsIdentifier, renameColumnInCatalog, renameTableInCatalog } from "../../src/autogenerate/renames.js";
import type { RenameDecision } from "../../src/autogenerate/types.js";
import { collectingSink, Op } from "../../src/operations/facade.js";
import { reverseOperation } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { prng, type Rng } from "../helpers/random.js";

const ITERATIONS = 200;


const BASE_TYPES = ["integer", "bigint", "smallint", "text", "varchar(50)", "varchar(200)", "numeric(10,2)", "boolean", "timestamptz", "uuid", "jsonb", "text[]"];
const DEFAULTS: Record<string, string[]> = { integer: ["0", "1"], text: ["''::text", "'x'::text"], boolean: ["true", "false"], timestamptz: ["now()"] };

/** Names unique within one generated pair. */
class Names {
  private n = 0;
  next(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
}

function typePool(catalog: Catalog): string[] {
  return [...BASE_TYPES, ...catalog.enums.map(qualifiedName)];
}

function randomColumn(rng: Rng, name: string, types: string[]): Column {
  const type = rng.pick(types);
  const column: Column = { name, type, nullable: rng.chance(0.6) };
  const defaults = DEFAULTS[type];
  if (defaults && rng.chance(0.4)) column.default = rng.pick(defaults);
  if (rng.chance(0.15)) column.comment = rng.pick(["a", "b", "it's"]);
  return column;
}

function keyColumns(table: Table): string[][] {
  return [...(table.primaryKey ? [table.primaryKey.columns] : []), ...table.uniques.map((u) => u.columns)];
}

function randomForeignKey(rng: Rng, names: Names, owner: Table, targets: Table[]): void {
  const candidates = targets.filter((t) => keyColumns(t).length > 0);
  if (candidates.length === 0) return;
  const target = rng.pick(candidates);
  const refColumns = rng.pick(keyColumns(target));
  const columns = refColumns.map((c) => `${target.name}_${c}`);
  for (const c of columns) if (!owner.columns.some((x) => x.name === c)) owner.columns.push({ name: c, type: "integer", nullable: true });
  const fk: ForeignKey = { name: names.next("fk"), columns, refTable: target.name, refColumns };
  if (target.schema) fk.refSchema = target.schema;
  if (rng.chance(0.3)) fk.onDelete = rng.pick(["cascade", "set null", "restrict"] as const);
  if (rng.chance(0.2)) fk.onUpdate = "cascade";
  owner.foreignKeys.push(fk);
}

function randomIndex(rng: Rng, names: Names, table: Table): Index {
  const column = rng.pick(table.columns).name;
  const index: Index = { name: names.next("ix"), columns: rng.chance(0.2) ? [{ expression: `lower(${column})` }] : [column] };
  if (rng.chance(0.3)) index.unique = true;
  if (rng.chance(0.2)) index.where = `(${column} IS NOT NULL)`;
  if (rng.chance(0.15)) index.method = "hash";
  return index;
}

function randomTable(rng: Rng, names: Names, catalog: Catalog, others: Table[]): Table {
  const name = names.next("t");
  const table: Table = { name, columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] };
  if (catalog.schemas.length > 0 && rng.chance(0.3)) table.schema = rng.pick(catalog.schemas);
  if (rng.chance(0.3)) table.columns[0]!.identity = { always: rng.chance(0.5) };
  for (let i = rng.int(1, 4); i > 0; i--) table.columns.push(randomColumn(rng, names.next("c"), typePool(catalog)));
  if (rng.chance(0.85)) table.primaryKey = { name: `${name}_pkey`, columns: ["id"] };
  if (rng.chance(0.4)) table.uniques.push({ name: names.next("uq"), columns: [rng.pick(table.columns.slice(1)).name] });
  if (rng.chance(0.4)) table.checks.push({ name: names.next("ck"), expression: `(${rng.pick(table.columns).name} IS NOT NULL)` });
  for (let i = rng.int(0, 2); i > 0; i--) table.indexes.push(randomIndex(rng, names, table));
  for (let i = rng.int(0, 2); i > 0; i--) randomForeignKey(rng, names, table, [...others, table]);
  if (rng.chance(0.2)) table.comment = "generated";
  return table;
}

/** Drops foreign keys whose target table or key is gone, like a model author would have to. */
function repair(catalog: Catalog): Catalog {
  const byKey = new Map(catalog.tables.map((t) => [qualifiedName(t), t]));
  for (const table of catalog.tables) {
    table.foreignKeys = table.foreignKeys.filter((fk) => {
      const target = byKey.get(qualifiedName({ schema: fk.refSchema, name: fk.refTable }));
      return (
        target !== undefined &&
        fk.columns.every((c) => table.columns.some((x) => x.name === c)) &&
        keyColumns(target).some((k) => k.length === fk.refColumns.length && k.every((c) => fk.refColumns.includes(c)))
      );
    });
  }
  return catalog;
}

function randomDatabase(rng: Rng, names: Names): Catalog {
  const catalog: Catalog = { schemas: rng.chance(0.4) ? ["s1"] : [], tables: [], enums: [] };
  for (let i = rng.int(0, 2); i > 0; i--) catalog.enums.push({ name: names.next("e"), values: ["a", "b", "c"].slice(0, rng.int(1, 3)) });
  for (let i = rng.int(1, 5); i > 0; i--) catalog.tables.push(randomTable(rng, names, catalog, catalog.tables));
  return repair(catalog);
}

/** SQL text after a column rename, as the model author writes it. */
function renameInText(text: string, from: string, to: string): string {
  return mentionsIdentifier(text, from) ? text.replace(new RegExp(`\\b${from}\\b`, "g"), to) : text;
}

function removeColumnEverywhere(catalog: Catalog, table: Table, column: string): void {
  table.columns = table.columns.filter((c) => c.name !== column);
  if (table.primaryKey?.columns.includes(column)) delete table.primaryKey;
  table.uniques = table.uniques.filter((u) => !u.columns.includes(column));
  table.checks = table.checks.filter((c) => !mentionsIdentifier(c.expression, column));
  table.indexes = table.indexes.filter(
    (i) => !i.columns.some((e) => elementColumn(e) === column || mentionsIdentifier(elementExpression(e) ?? "", column)) && !(i.where && mentionsIdentifier(i.where, column)),
  );
  table.foreignKeys = table.foreignKeys.filter((f) => !f.columns.includes(column));
  repair(catalog);
}

function mutateTable(rng: Rng, names: Names, model: Catalog, table: Table, decisions: RenameDecision[]): void {
  const types = typePool(model);
  const original = new Set(table.columns.slice(1).map((c) => c.name));
  if (rng.chance(0.3)) table.columns.push(randomColumn(rng, names.next("c"), types));
  if (rng.chance(0.25) && table.columns.length > 2) removeColumnEverywhere(model, table, rng.pick(table.columns.slice(1)).name);
  for (const column of table.columns.slice(1)) {
    if (!rng.chance(0.2)) continue;
    const change = rng.int(0, 3);
    if (change === 0) column.type = rng.pick(types);
    if (change === 1) column.nullable = !column.nullable;
    if (change === 2) {
      const defaults = DEFAULTS[column.type];
      if (column.default !== undefined && rng.chance(0.5)) delete column.default;
      else if (defaults) column.default = rng.pick(defaults);
    }
    if (change === 3) column.comment = rng.chance(0.5) ? "changed" : undefined;
    if (column.comment === undefined) delete column.comment;
  }
  if (rng.chance(0.1)) {
    if (table.primaryKey && rng.chance(0.5)) delete table.primaryKey;
    else table.primaryKey = { name: names.next("pk"), columns: ["id"] };
    repair(model);
  }
  if (rng.chance(0.2)) table.uniques.push({ name: names.next("uq"), columns: [rng.pick(table.columns).name] });
  if (rng.chance(0.15) && table.uniques.length > 0) {
    table.uniques.splice(rng.int(0, table.uniques.length - 1), 1);
    repair(model);
  }
  if (rng.chance(0.2)) table.checks.push({ name: names.next("ck"), expression: `(${rng.pick(table.columns).name} IS NULL)` });
  if (rng.chance(0.15) && table.checks.length > 0) table.checks[0] = { ...table.checks[0]!, expression: "(id > 0)" };
  if (rng.chance(0.2)) table.indexes.push(randomIndex(rng, names, table));
  if (rng.chance(0.15) && table.indexes.length > 0) table.indexes.splice(0, 1);
  if (rng.chance(0.15) && table.indexes.length > 0) table.indexes[0] = { ...table.indexes[0]!, unique: !table.indexes[0]!.unique };
  if (rng.chance(0.2)) randomForeignKey(rng, names, table, model.tables);
  if (rng.chance(0.1) && table.foreignKeys.length > 0) table.foreignKeys[0] = { ...table.foreignKeys[0]!, onDelete: "cascade" };
  if (rng.chance(0.1) && table.foreignKeys.length > 0) table.foreignKeys.pop();
  if (rng.chance(0.15)) table.comment = rng.chance(0.5) ? "new comment" : undefined;
  if (table.comment === undefined) delete table.comment;

  const renamable = table.columns.filter((c) => original.has(c.name));
  if (rng.chance(0.12) && renamable.length > 0) {
    const from = rng.pick(renamable).name;
    const to = names.next("rc");
    Object.assign(model, renameColumnInCatalog(model, table.schema, table.name, from, to));
    const renamed = model.tables.find((t) => t.schema === table.schema && t.name === table.name)!;
    renamed.checks = renamed.checks.map((c) => ({ ...c, expression: renameInText(c.expression, from, to) }));
    renamed.indexes = renamed.indexes.map((i) => {
      const next: Index = {
        ...i,
        columns: i.columns.map((e) => {
          const expression = elementExpression(e);
          return expression === undefined ? e : { ...(e as object), expression: renameInText(expression, from, to) };
        }),
      };
      if (i.where !== undefined) next.where = renameInText(i.where, from, to);
      return next;
    });
    decisions.push({ kind: "column", ...(table.schema ? { schema: table.schema } : {}), table: table.name, from, to, accept: true });
  }
}

function mutate(rng: Rng, names: Names, database: Catalog): { model: Catalog; decisions: RenameDecision[] } {
  const model: Catalog = structuredClone(database);
  const decisions: RenameDecision[] = [];
  if (rng.chance(0.2)) model.schemas.push("s2");
  if (rng.chance(0.3)) model.enums.push({ name: names.next("e"), values: ["x", "y"] });
  for (const e of model.enums) {
    if (rng.chance(0.3)) e.values.splice(rng.int(0, e.values.length), 0, names.next("v"));
  }
  if (rng.chance(0.3) && model.tables.length > 1) {
    model.tables.splice(rng.int(0, model.tables.length - 1), 1);
    repair(model);
  }
  if (rng.chance(0.15) && model.tables.length > 0) {
    const table = rng.pick(model.tables);
    const to = names.next("rt");
    decisions.push({ kind: "table", ...(table.schema ? { schema: table.schema } : {}), from: table.name, to, accept: true });
    Object.assign(model, renameTableInCatalog(model, table.schema, table.name, to));
  }
  for (const table of [...model.tables]) {
    const current = model.tables.find((t) => t.schema === table.schema && t.name === table.name)!;
    mutateTable(rng, names, model, current, decisions);
  }
  for (let i = rng.int(0, 2); i > 0; i--) model.tables.push(randomTable(rng, names, model, model.tables));
  const used = new Set(model.tables.flatMap((t) => t.columns.map((c) => c.type)));
  model.enums = model.enums.filter((e) => used.has(qualifiedName(e)) || !rng.chance(0.4));
  return { model: repair(model), decisions };
}

function columnsByName(catalog: Catalog): Catalog {
  return { ...catalog, tables: catalog.tables.map((t) => ({ ...t, columns: [...t.columns].sort((a, b) => (a.name < b.name ? -1 : 1)) })) };
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (op: Op) => Promise<void>;

function expressible(op: Operation): unknown {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(op));
  if (["dropTable", "dropColumn", "dropIndex", "dropConstraint", "dropEnum"].includes(op.kind)) delete copy.old;
  if (op.kind === "setTableComment") delete copy.existing;
  return copy;
}

describe("autogenerate property: compare, apply, reverse, render", () => {
  it(`holds for ${ITERATIONS} random catalog pairs`, async () => {
    let operationCount = 0;
    let sharedTables = 0;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const rng = prng(seed);
      const names = new Names();
      const database = randomDatabase(rng, names);
      const { model, decisions } = mutate(rng, names, database);
      const context = `seed ${seed}`;

      expect(compareCatalogs(model, model).operations, context).toEqual([]);
      const before = JSON.stringify([model, database]);
      const diff = compareCatalogs(model, database, { renames: decisions });
      expect(JSON.stringify([model, database]), `${context}: compare must not change its inputs`).toBe(before);
      expect(diff.warnings.filter((w) => w.kind !== "dataLoss"), context).toEqual([]);
      // A table equal on both sides may be the database's own object (autogenerate puts it in the models' place): the same diff.
      const databaseTables = new Map(database.tables.map((t) => [qualifiedName(t), t]));
      const shared = model.tables.map((t) => {
        const same = databaseTables.get(qualifiedName(t));
        return same !== undefined && isDeepStrictEqual(same, t) ? same : t;
      });
      sharedTables += shared.filter((t) => databaseTables.get(qualifiedName(t)) === t).length;
      expect(compareCatalogs({ ...model, tables: shared }, database, { renames: decisions }), `${context}: equal tables shared`).toEqual(diff);
      operationCount += diff.operations.length;
      for (const op of diff.operations) kinds.add(op.kind);

      const upgraded = applyOperations(database, diff.operations);
      // Column order is not compared: a column dropped and added back by the model author stays where it was.
      expect(columnsByName(upgraded), context).toEqual(columnsByName(normalizeCatalog(model)));
      expect(compareCatalogs(upgraded, upgraded).operations, context).toEqual([]);

      // Enum values cannot be removed: compare the downgrade with the database plus the added values.
      const downgrade = [...diff.operations].reverse().flatMap((op) => (op.kind === "addEnumValue" ? [] : reverseOperation(op)));
      const downgraded = applyOperations(upgraded, downgrade);
      const expected = normalizeCatalog(database);
      const upgradedEnums = new Map(upgraded.enums.map((e) => [qualifiedName(e), e]));
      expected.enums = expected.enums.map((e) => upgradedEnums.get(qualifiedName(e)) ?? e);
      expect(columnsByName(downgraded), context).toEqual(columnsByName(expected));

      const sink = collectingSink("postgresql");
      const op = new Op(sink);
      await new AsyncFunction("op", renderOperations(diff.operations))(op);
      expect(sink.operations.map(expressible), context).toEqual(diff.operations.map(expressible));
    }
    // The generator must actually exercise the comparison.
    expect(operationCount).toBeGreaterThan(ITERATIONS * 3);
    expect(sharedTables).toBeGreaterThan(ITERATIONS / 10);
    expect([...kinds].sort()).toEqual(
      [
        "addColumn",
        "addEnumValue",
        "alterColumn",
        "createCheckConstraint",
        "createEnum",
        "createForeignKey",
        "createIndex",
        "createPrimaryKey",
        "createSchema",
        "createTable",
        "createUniqueConstraint",
        "dropColumn",
        "dropConstraint",
        "dropEnum",
        "dropIndex",
        "dropTable",
        "renameTable",
        "setTableComment",
      ].sort(),
    );
  });
});
