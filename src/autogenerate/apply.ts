/**
 * applyOperations(catalog, ops): what the schema looks like after the operations
 * run, computed on plain data without a database. Strict on purpose: it refuses
 * what PostgreSQL would refuse (an object that already exists or is missing,
 * dropping a table or key something still references, a foreign key to a
 * missing key) so that tests catch operations in the wrong order.
 *
 * Not modelled: SQL text is never rewritten (a column rename leaves check and
 * index expressions as they were), `execute` and `bulkInsert` change nothing.
 */
import type { Catalog, Column, ForeignKey, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import { columnAfterAlter } from "../operations/column-after.js";
import type { Operation } from "../operations/types.js";
import { describeOperation } from "../operations/reverse.js";
import { sameColumnsAsSet } from "./equality.js";
import { normalizeCatalog } from "./normalize.js";
import { referencedTableKey, tableKey } from "./order.js";
import { renameColumnInCatalog, renameTableInCatalog } from "./renames.js";
import { sameTable } from "./targets.js";

class Refused extends KilnError {}

function refuse(op: Operation, why: string): never {
  throw new Refused(`Cannot apply ${describeOperation(op)}: ${why}.`);
}

function key(schema: string | undefined, name: string): string {
  return qualifiedName({ schema, name });
}

/** Names of relations (tables' indexes, primary keys and unique constraints) in one schema: PostgreSQL keeps them in one namespace. */
function relationNames(catalog: Catalog, schema: string | undefined): string[] {
  return catalog.tables
    .filter((t) => t.schema === schema)
    .flatMap((t) => [t.primaryKey?.name, ...t.uniques.map((u) => u.name), ...t.indexes.map((i) => i.name)])
    .filter((n): n is string => n !== undefined);
}

function constraintNames(table: Table): string[] {
  return [table.primaryKey?.name, ...table.uniques.map((u) => u.name), ...table.checks.map((c) => c.name), ...table.foreignKeys.map((f) => f.name), ...(table.exclusions ?? []).map((x) => x.name)].filter(
    (n): n is string => n !== undefined,
  );
}

/** Column lists a foreign key may point at: primary key, unique constraints, plain unique indexes. */
function keysOf(table: Table): string[][] {
  return [
    ...(table.primaryKey ? [table.primaryKey.columns] : []),
    ...table.uniques.map((u) => u.columns),
    ...table.indexes.filter((i) => i.unique && i.where === undefined && i.columns.every((c) => typeof c === "string")).map((i) => i.columns as string[]),
  ];
}

class State {
  constructor(public catalog: Catalog) {}

  table(op: Operation, schema: string | undefined, name: string): Table {
    const found = this.catalog.tables.find((t) => t.schema === schema && t.name === name);
    return found ?? refuse(op, `there is no table ${key(schema, name)}`);
  }

  hasTable(schema: string | undefined, name: string): boolean {
    return this.catalog.tables.some((t) => t.schema === schema && t.name === name);
  }

  replaceTable(old: Table, next: Table): void {
    this.catalog = { ...this.catalog, tables: this.catalog.tables.map((t) => (t === old ? next : t)) };
  }

  requireColumns(op: Operation, table: Table, columns: readonly string[]): void {
    for (const column of columns) {
      if (!table.columns.some((c) => c.name === column)) refuse(op, `table ${qualifiedName(table)} has no column ${column}`);
    }
  }

  requireSchema(op: Operation, schema: string | undefined): void {
    if (schema !== undefined && !this.catalog.schemas.includes(schema)) refuse(op, `schema ${schema} does not exist`);
  }

  requireForeignKeyTarget(op: Operation, owner: Table, fk: ForeignKey): void {
    const target = tableKey(owner) === referencedTableKey(fk) ? owner : this.table(op, fk.refSchema, fk.refTable);
    this.requireColumns(op, target, fk.refColumns);
    if (!keysOf(target).some((k) => sameColumnsAsSet(k, fk.refColumns))) {
      refuse(op, `foreign key ${fk.name ?? "(unnamed)"} points at ${qualifiedName(target)}(${fk.refColumns.join(", ")}), which is not a primary key or unique`);
    }
  }

  /** Foreign keys of any table that point at `table`, except the table's own self-references. */
  incomingForeignKeys(table: Table): { owner: Table; fk: ForeignKey }[] {
    return this.catalog.tables.flatMap((owner) =>
      owner === table ? [] : owner.foreignKeys.filter((fk) => referencedTableKey(fk) === tableKey(table)).map((fk) => ({ owner, fk })),
    );
  }

  requireNameFree(op: Operation, table: Table, name: string, relation: boolean): void {
    if (constraintNames(table).includes(name)) refuse(op, `table ${qualifiedName(table)} already has a constraint ${name}`);
    if (relation && relationNames(this.catalog, table.schema).includes(name)) refuse(op, `schema already has an index or key named ${name}`);
  }

  /** Refuses to drop a key that a foreign key still needs (PostgreSQL would ask for CASCADE). */
  requireKeyUnused(op: Operation, table: Table, columns: string[], without: Table): void {
    const stillKeyed = keysOf(without).some((k) => sameColumnsAsSet(k, columns));
    if (stillKeyed) return;
    const users = [...this.incomingForeignKeys(table), ...table.foreignKeys.filter((fk) => referencedTableKey(fk) === tableKey(table)).map((fk) => ({ owner: table, fk }))];
    const user = users.find(({ fk }) => sameColumnsAsSet(fk.refColumns, columns));
    if (user) refuse(op, `foreign key ${user.fk.name ?? "(unnamed)"} on ${qualifiedName(user.owner)} depends on it`);
  }
}

function applyOne(state: State, op: Operation): void {
  const catalog = state.catalog;
  switch (op.kind) {
    case "createSchema":
      if (catalog.schemas.includes(op.name)) refuse(op, "the schema exists");
      state.catalog = { ...catalog, schemas: [...catalog.schemas, op.name] };
      return;
    case "dropSchema":
      if (!catalog.schemas.includes(op.name)) refuse(op, "the schema does not exist");
      if (catalog.tables.some((t) => t.schema === op.name) || catalog.enums.some((e) => e.schema === op.name)) refuse(op, "the schema is not empty");
      state.catalog = { ...catalog, schemas: catalog.schemas.filter((s) => s !== op.name) };
      return;
    case "createEnum":
      state.requireSchema(op, op.schema);
      if (catalog.enums.some((e) => e.schema === op.schema && e.name === op.name)) refuse(op, "the enum exists");
      state.catalog = { ...catalog, enums: [...catalog.enums, { ...(op.schema !== undefined ? { schema: op.schema } : {}), name: op.name, values: [...op.values] }] };
      return;
    case "dropEnum": {
      const name = key(op.schema, op.name);
      if (!catalog.enums.some((e) => e.schema === op.schema && e.name === op.name)) refuse(op, "the enum does not exist");
      const user = catalog.tables.flatMap((t) => t.columns.map((c) => ({ t, c }))).find(({ c }) => c.type === name || c.type === `${name}[]`);
      if (user) refuse(op, `column ${qualifiedName(user.t)}.${user.c.name} still uses it`);
      state.catalog = { ...catalog, enums: catalog.enums.filter((e) => !(e.schema === op.schema && e.name === op.name)) };
      return;
    }
    case "addEnumValue": {
      const target = catalog.enums.find((e) => e.schema === op.schema && e.name === op.name) ?? refuse(op, "the enum does not exist");
      if (target.values.includes(op.value)) refuse(op, "the value exists");
      const anchor = op.before ?? op.after;
      const at = anchor === undefined ? target.values.length : target.values.indexOf(anchor);
      if (at < 0) refuse(op, `the enum has no value ${anchor}`);
      const values = [...target.values];
      values.splice(op.after !== undefined ? at + 1 : at, 0, op.value);
      state.catalog = { ...catalog, enums: catalog.enums.map((e) => (e === target ? { ...e, values } : e)) };
      return;
    }
    case "createTable": {
      const table = op.table;
      state.requireSchema(op, table.schema);
      if (state.hasTable(table.schema, table.name)) refuse(op, "the table exists");
      const created: Table = structuredClone(table);
      state.catalog = { ...catalog, tables: [...catalog.tables, created] };
      if (created.primaryKey) state.requireColumns(op, created, created.primaryKey.columns);
      for (const unique of created.uniques) state.requireColumns(op, created, unique.columns);
      for (const fk of created.foreignKeys) {
        state.requireColumns(op, created, fk.columns);
        state.requireForeignKeyTarget(op, created, fk);
      }
      return;
    }
    case "dropTable": {
      const table = state.table(op, op.schema, op.table);
      const incoming = state.incomingForeignKeys(table)[0];
      if (incoming) refuse(op, `foreign key ${incoming.fk.name ?? "(unnamed)"} on ${qualifiedName(incoming.owner)} points at it`);
      state.catalog = { ...catalog, tables: catalog.tables.filter((t) => t !== table) };
      return;
    }
    case "renameTable":
      state.table(op, op.schema, op.table);
      if (state.hasTable(op.schema, op.newName)) refuse(op, `table ${key(op.schema, op.newName)} exists`);
      state.catalog = renameTableInCatalog(catalog, op.schema, op.table, op.newName);
      return;
    case "addColumn": {
      const table = state.table(op, op.schema, op.table);
      if (table.columns.some((c) => c.name === op.column.name)) refuse(op, "the column exists");
      state.replaceTable(table, { ...table, columns: [...table.columns, { ...op.column }] });
      return;
    }
    case "dropColumn": {
      const table = state.table(op, op.schema, op.table);
      state.requireColumns(op, table, [op.column]);
      const usedBy = [
        ...(table.primaryKey?.columns.includes(op.column) ? [table.primaryKey.name ?? "the primary key"] : []),
        ...table.uniques.filter((u) => u.columns.includes(op.column)).map((u) => u.name ?? "a unique constraint"),
        ...table.foreignKeys.filter((f) => f.columns.includes(op.column)).map((f) => f.name ?? "a foreign key"),
        ...table.indexes.filter((i) => i.columns.includes(op.column)).map((i) => i.name ?? "an index"),
        ...state.incomingForeignKeys(table).filter(({ fk }) => fk.refColumns.includes(op.column)).map(({ fk }) => fk.name ?? "a foreign key"),
      ];
      if (usedBy.length > 0) refuse(op, `${usedBy.join(", ")} still use${usedBy.length === 1 ? "s" : ""} it`);
      state.replaceTable(table, { ...table, columns: table.columns.filter((c) => c.name !== op.column) });
      return;
    }
    case "alterColumn": {
      const table = state.table(op, op.schema, op.table);
      const column = table.columns.find((c) => c.name === op.column) ?? refuse(op, "the column does not exist");
      state.replaceTable(table, { ...table, columns: table.columns.map((c) => (c === column ? { ...columnAfterAlter(c, op), name: c.name } : c)) });
      if (op.newName !== undefined && op.newName !== op.column) {
        if (table.columns.some((c) => c.name === op.newName)) refuse(op, `the table already has a column ${op.newName}`);
        state.catalog = renameColumnInCatalog(state.catalog, op.schema, op.table, op.column, op.newName);
      }
      return;
    }
    case "createIndex": {
      const table = state.table(op, op.schema, op.table);
      state.requireNameFree(op, table, op.index.name, true);
      state.requireColumns(op, table, op.index.columns.filter((c): c is string => typeof c === "string"));
      state.replaceTable(table, { ...table, indexes: [...table.indexes, structuredClone(op.index)] });
      return;
    }
    case "dropIndex": {
      const table = state.table(op, op.schema, op.table);
      const index = table.indexes.find((i) => i.name === op.name) ?? refuse(op, "the index does not exist");
      const without = { ...table, indexes: table.indexes.filter((i) => i !== index) };
      if (index.unique && index.columns.every((c) => typeof c === "string")) state.requireKeyUnused(op, table, index.columns as string[], without);
      state.replaceTable(table, without);
      return;
    }
    case "createPrimaryKey": {
      const table = state.table(op, op.schema, op.table);
      if (table.primaryKey) refuse(op, "the table already has a primary key");
      state.requireNameFree(op, table, op.constraint.name, true);
      state.requireColumns(op, table, op.constraint.columns);
      state.replaceTable(table, { ...table, primaryKey: structuredClone(op.constraint) });
      return;
    }
    case "createUniqueConstraint": {
      const table = state.table(op, op.schema, op.table);
      state.requireNameFree(op, table, op.constraint.name, true);
      state.requireColumns(op, table, op.constraint.columns);
      state.replaceTable(table, { ...table, uniques: [...table.uniques, structuredClone(op.constraint)] });
      return;
    }
    case "createCheckConstraint": {
      const table = state.table(op, op.schema, op.table);
      state.requireNameFree(op, table, op.constraint.name, false);
      state.replaceTable(table, { ...table, checks: [...table.checks, structuredClone(op.constraint)] });
      return;
    }
    case "createExclusionConstraint": {
      const table = state.table(op, op.schema, op.table);
      state.requireNameFree(op, table, op.constraint.name, true);
      state.replaceTable(table, { ...table, exclusions: [...(table.exclusions ?? []), structuredClone(op.constraint)] });
      return;
    }
    case "createForeignKey": {
      const table = state.table(op, op.schema, op.table);
      state.requireNameFree(op, table, op.constraint.name, false);
      state.requireColumns(op, table, op.constraint.columns);
      state.requireForeignKeyTarget(op, table, op.constraint);
      state.replaceTable(table, { ...table, foreignKeys: [...table.foreignKeys, structuredClone(op.constraint)] });
      return;
    }
    case "dropConstraint": {
      const table = state.table(op, op.schema, op.table);
      const missing = () => refuse(op, `table ${qualifiedName(table)} has no ${op.type} constraint ${op.name}`);
      switch (op.type) {
        case "primary": {
          if (table.primaryKey?.name !== op.name) missing();
          const { primaryKey, ...without } = table;
          state.requireKeyUnused(op, table, primaryKey!.columns, without);
          state.replaceTable(table, without);
          return;
        }
        case "unique": {
          const unique = table.uniques.find((u) => u.name === op.name) ?? missing();
          const without = { ...table, uniques: table.uniques.filter((u) => u !== unique) };
          state.requireKeyUnused(op, table, unique.columns, without);
          state.replaceTable(table, without);
          return;
        }
        case "check":
          if (!table.checks.some((c) => c.name === op.name)) missing();
          state.replaceTable(table, { ...table, checks: table.checks.filter((c) => c.name !== op.name) });
          return;
        case "foreignkey":
          if (!table.foreignKeys.some((f) => f.name === op.name)) missing();
          state.replaceTable(table, { ...table, foreignKeys: table.foreignKeys.filter((f) => f.name !== op.name) });
          return;
        case "exclusion": {
          if (!(table.exclusions ?? []).some((x) => x.name === op.name)) missing();
          const { exclusions = [], ...rest } = table;
          const left = exclusions.filter((x) => x.name !== op.name);
          state.replaceTable(table, left.length > 0 ? { ...rest, exclusions: left } : rest);
          return;
        }
      }
      return;
    }
    case "validateConstraint": {
      const table = state.table(op, op.schema, op.table);
      if (!constraintNames(table).includes(op.name)) refuse(op, "the constraint does not exist");
      return;
    }
    case "setTableComment": {
      const table = state.table(op, op.schema, op.table);
      const { comment: _previous, ...rest } = table;
      state.replaceTable(table, op.comment === null ? rest : { ...rest, comment: op.comment });
      return;
    }
    case "setTableOptions": {
      const table = state.table(op, op.schema, op.table);
      const options: Record<string, unknown> = { ...table.options };
      for (const [key, value] of Object.entries(op.options)) {
        if (value === null) delete options[key];
        else if (value !== undefined) options[key] = value;
      }
      const { options: _previous, ...rest } = table;
      state.replaceTable(table, Object.keys(options).length > 0 ? { ...rest, options: options as NonNullable<typeof table.options> } : rest);
      return;
    }
    case "batchAlterTable":
      for (const inner of op.operations) {
        if (!sameTable(inner, op)) {
          refuse(op, `its ${describeOperation(inner)} is for another table`);
        }
        applyOne(state, inner);
      }
      return;
    case "attachPartition": {
      const table = state.table(op, op.partition.schema, op.partition.table);
      state.table(op, op.schema, op.table);
      if (table.partitionOf) refuse(op, "the table is a partition already");
      state.replaceTable(table, { ...table, partitionOf: { ...(op.schema !== undefined ? { schema: op.schema } : {}), table: op.table, bound: op.bound } });
      return;
    }
    case "detachPartition": {
      const table = state.table(op, op.partition.schema, op.partition.table);
      if (!table.partitionOf || table.partitionOf.table !== op.table || table.partitionOf.schema !== op.schema) refuse(op, "the table is not its partition");
      const { partitionOf: _was, ...rest } = table;
      state.replaceTable(table, rest);
      return;
    }
    case "execute":
    case "bulkInsert":
      return;
  }
}

/** The catalog after running `operations` in order (normalized). Throws KilnError naming the first operation that could not run. */
export function applyOperations(catalog: Catalog, operations: readonly Operation[]): Catalog {
  const state = new State(structuredClone(catalog));
  for (const op of operations) applyOne(state, op);
  return normalizeCatalog(state.catalog);
}
