/**
 * The downgrade of "add values to an enum". PostgreSQL cannot drop a value from
 * an enum type, so the type is recreated with the values it had: each column
 * using it goes through text, the type is dropped and created again, and the
 * columns come back to it. Checks, indexes and foreign keys on those columns
 * are dropped first and recreated last, as PostgreSQL cannot rebuild them
 * while the column is text (their SQL compares with enum literals).
 * Functions with the type in their signature are dropped before the type and
 * created again after it, as the database has them (PostgreSQL refuses to drop
 * a type a function depends on).
 * Rows holding a removed value make the conversion back fail, naming the value:
 * the downgrade never silently changes data.
 */
import type { Catalog, Column, EnumType, ForeignKey, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import type { Operation } from "../operations/types.js";
import { expressionsMentioning } from "./renames.js";
import { inputArguments, routineTypeKey, type Routine } from "../catalog/routines.js";

/** The database's functions and procedures whose arguments or result are of the enum type (or arrays of it). */
function routinesUsing(database: Catalog, enumType: EnumType): Routine[] {
  const key = routineTypeKey(qualifiedName(enumType));
  const isEnum = (type: string) => routineTypeKey(type).replace(/^SETOF /, "").replace(/(\[\])+$/, "") === key;
  const inResult = (returns: string | undefined) => {
    if (returns === undefined) return false;
    const table = /^TABLE\((.*)\)$/is.exec(returns.trim());
    // TABLE(id integer, state mood): each column's type (a name, then the type).
    if (table) return table[1]!.split(",").some((c) => isEnum(c.trim().replace(/^("(?:[^"]|"")+"|\S+)\s+/, "")));
    return isEnum(returns);
  };
  return (database.routines ?? []).filter((r) => r.arguments.some((a) => isEnum(a.type)) || inResult(r.returns));
}

type Named<T> = T & { name: string };

function named<T extends { name?: string }>(item: T): item is Named<T> {
  return item.name !== undefined;
}

/** A quoted identifier; double quotes are the standard SQL spelling, and enum types exist on PostgreSQL only. */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quotedType(enumType: EnumType): string {
  return enumType.schema === undefined ? quoted(enumType.name) : `${quoted(enumType.schema)}.${quoted(enumType.name)}`;
}

interface EnumColumn {
  table: Table;
  column: Column;
  array: boolean;
}

function columnsUsing(database: Catalog, enumType: EnumType): EnumColumn[] {
  const name = qualifiedName(enumType);
  return database.tables.flatMap((table) =>
    table.columns
      .filter((c) => c.type === name || c.type === `${name}[]`)
      .map((column) => ({ table, column, array: column.type.endsWith("[]") })),
  );
}

function ref(table: Table): { schema?: string; table: string } {
  return table.schema === undefined ? { table: table.name } : { schema: table.schema, table: table.name };
}

function sameTable(a: { schema?: string; name: string }, schema: string | undefined, name: string): boolean {
  return a.schema === schema && a.name === name;
}

/** Foreign keys (of any table) whose own or referenced columns include one of `columns`. */
function foreignKeysTouching(database: Catalog, columns: EnumColumn[]): { table: Table; fk: Named<ForeignKey> }[] {
  const touches = (table: Table, fk: ForeignKey) =>
    columns.some(
      ({ table: owner, column }) =>
        (owner === table && fk.columns.includes(column.name)) ||
        (sameTable(owner, fk.refSchema, fk.refTable) && fk.refColumns.includes(column.name)),
    );
  return database.tables.flatMap((table) => table.foreignKeys.filter(named).filter((fk) => touches(table, fk)).map((fk) => ({ table, fk })));
}

/**
 * Operations that take enum `databaseEnum` from the values the models give it
 * (`modelValues`) back to its values in `database`, keeping every column.
 */
export function enumValueRemoval(databaseEnum: EnumType, modelValues: readonly string[], database: Catalog): Operation[] {
  const users = columnsUsing(database, databaseEnum);
  const dropFirst: Operation[] = [];
  const recreateLast: Operation[] = [];

  for (const { table, fk } of foreignKeysTouching(database, users)) {
    dropFirst.push({ kind: "dropConstraint", ...ref(table), name: fk.name, type: "foreignkey", old: { type: "foreignkey", constraint: { ...fk } } });
    recreateLast.push({ kind: "createForeignKey", ...ref(table), constraint: { ...fk } });
  }
  const tables = [...new Set(users.map((u) => u.table))];
  for (const table of tables) {
    const stale = users
      .filter((u) => u.table === table)
      .map((u) => expressionsMentioning(table, u.column.name));
    const checks = [...new Set(stale.flatMap((s) => s.checks))].filter(named);
    const indexes = [...new Set(stale.flatMap((s) => s.indexes))].filter(named);
    for (const check of checks) {
      dropFirst.push({ kind: "dropConstraint", ...ref(table), name: check.name, type: "check", old: { type: "check", constraint: { ...check } } });
      recreateLast.push({ kind: "createCheckConstraint", ...ref(table), constraint: { ...check } });
    }
    for (const index of indexes) {
      dropFirst.push({ kind: "dropIndex", ...ref(table), name: index.name, old: { ...index } });
      recreateLast.push({ kind: "createIndex", ...ref(table), index: { ...index } });
    }
  }

  const routines = routinesUsing(database, databaseEnum);
  const dropRoutines: Operation[] = routines.map((routine) => ({
    kind: routine.kind === "procedure" ? "dropProcedure" : "dropFunction",
    ...(routine.schema !== undefined ? { schema: routine.schema } : {}),
    name: routine.name,
    argumentTypes: inputArguments(routine).map((a) => a.type),
    old: structuredClone(routine),
  }));
  const createRoutines: Operation[] = routines.map((routine) => ({ kind: routine.kind === "procedure" ? "createProcedure" : "createFunction", routine: structuredClone(routine) }));

  const toText: Operation[] = [];
  const fromText: Operation[] = [];
  for (const { table, column, array } of users) {
    const asText: Column = { ...column, type: array ? "text[]" : "text" };
    delete asText.default;
    toText.push({
      kind: "alterColumn",
      ...ref(table),
      column: column.name,
      type: asText.type,
      using: `${quoted(column.name)}::${asText.type}`,
      ...(column.default !== undefined ? { default: null } : {}),
      existing: { ...column },
    });
    fromText.push({
      kind: "alterColumn",
      ...ref(table),
      column: column.name,
      type: column.type,
      using: `${quoted(column.name)}::${quotedType(databaseEnum)}${array ? "[]" : ""}`,
      ...(column.default !== undefined ? { default: column.default } : {}),
      existing: asText,
    });
  }

  const where = databaseEnum.schema === undefined ? {} : { schema: databaseEnum.schema };
  return [
    ...dropFirst,
    ...toText,
    ...dropRoutines,
    { kind: "dropEnum", ...where, name: databaseEnum.name, old: [...modelValues] },
    { kind: "createEnum", ...where, name: databaseEnum.name, values: [...databaseEnum.values] },
    ...createRoutines,
    ...fromText,
    ...recreateLast.reverse(),
  ];
}
