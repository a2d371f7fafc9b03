/**
 * canonicalize(model): the model Catalog in the spelling introspect() produces.
 *
 * Text rules cannot predict how the server prints defaults and CHECK clauses
 * (MariaDB: `prototype_id` >= 0, current_timestamp(6), ...), nor which indexes
 * it merges into constraints. So the model's tables are built in scratch
 * databases (one per schema, dropped in a finally), read back with the same code
 * as introspect(), and renamed back to the model's schemas. Named enums are
 * inlined (MySQL has none), so Catalog.enums comes back empty.
 *
 * Needs the CREATE and DROP privileges for databases named kiln_canon_*.
 * MySQL commits DDL implicitly: do not call this inside a transaction.
 */
import { randomBytes } from "node:crypto";
import type { Catalog, Routine, Table, View } from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
import type { Operation } from "../../operations/types.js";
import type { CanonicalizeContext, Connection } from "../types.js";
import { canonicalMysqlRoutine, createMysqlRoutineSql } from "./routines.js";
import { canonicalMysqlTrigger, orderMysqlTriggers } from "./triggers.js";
import { triggersWithBody } from "../../catalog/triggers.js";
import { compileMysqlView, spelledMysqlView } from "./views.js";
import { compileOperation, type MysqlFlavor } from "./compile.js";
import { EnumRegistry } from "./enums.js";
import { readCatalog, serverInfo, type DatabaseScope } from "./introspect.js";
import { readMysqlViews } from "./views.js";
import { quoteIdentifier, quoteLiteral, standardLiteralToMysql } from "./quote.js";

function scratchDatabases(catalog: Catalog): Map<string | undefined, string> {
  const base = `kiln_canon_${randomBytes(5).toString("hex")}`;
  const names = new Map<string | undefined, string>([[undefined, base]]);
  const schemas = new Set<string>();
  for (const item of [...catalog.tables, ...(catalog.views ?? [])]) if (item.schema) schemas.add(item.schema);
  let i = 1;
  for (const schema of [...schemas].sort()) names.set(schema, `${base}_${i++}`);
  return names;
}

/** The model's tables moved into the scratch databases; references follow them. */
function relocate(table: Table, scratch: Map<string | undefined, string>): Table {
  return {
    ...table,
    schema: scratch.get(table.schema),
    // The models write defaults in standard SQL; the scratch tables need the server's spelling.
    columns: table.columns.map((column) => (column.default === undefined ? column : { ...column, default: standardLiteralToMysql(column.default) })),
    foreignKeys: table.foreignKeys.map((fk) => ({
      ...fk,
      // A reference outside the model's schemas points at the real database, as it will in production.
      refSchema: scratch.has(fk.refSchema) ? scratch.get(fk.refSchema) : fk.refSchema,
    })),
  };
}

/** Tables first (without foreign keys), then indexes, then foreign keys: no ordering constraints between tables. */
function buildOperations(tables: Table[]): Operation[] {
  const operations: Operation[] = [];
  for (const table of tables) operations.push({ kind: "createTable", table: { ...table, foreignKeys: [], indexes: [] } });
  for (const table of tables) {
    for (const index of table.indexes) {
      if (!index.name) {
        throw new KilnError(`index on ${table.name} (${JSON.stringify(index.columns)}) has no name; MySQL indexes need one (set a naming convention)`);
      }
      operations.push({ kind: "createIndex", schema: table.schema, table: table.name, index: { ...index, name: index.name } });
    }
  }
  let unnamed = 0;
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      const name = fk.name ?? `${table.name}_ibfk_${++unnamed}`;
      operations.push({ kind: "createForeignKey", schema: table.schema, table: table.name, constraint: { ...fk, name } });
    }
  }
  return operations;
}

/** Rewrites text naming the scratch databases so it names the user's database (or schema) instead. */
function unscratch(scratch: Map<string | undefined, string>, database: string): (text: string) => string {
  const pairs = [...scratch].map(([schema, name]) => [name, schema ?? database] as const).sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let result = text;
    for (const [name, user] of pairs) result = result.replaceAll(quoteIdentifier(name), quoteIdentifier(user)).replaceAll(name, user);
    return result;
  };
}

function modelTableOf(operation: Operation): string {
  if (operation.kind === "createTable") return operation.table.name;
  return "table" in operation ? String(operation.table) : "?";
}

/** The tables the models' views name that are not being spelled (unchanged: the database's own), to build beside them. */
function tablesForViews(catalog: Catalog, database: Catalog | undefined): Table[] {
  if (!catalog.views?.length || !database) return [];
  const spelled = new Set(catalog.tables.map((t) => `${t.schema ?? ""}\u0000${t.name}`));
  const words = new Set(catalog.views.flatMap((v) => v.definition.toLowerCase().match(/[\p{L}\p{N}_$]+/gu) ?? []));
  // Only their columns matter to a view: no foreign keys (what they refer to may not be built).
  return database.tables
    .filter((t) => !spelled.has(`${t.schema ?? ""}\u0000${t.name}`) && words.has(t.name.toLowerCase()))
    .map((t) => ({ ...structuredClone(t), foreignKeys: [] }));
}

export async function canonicalizeMysql(conn: Connection, model: Catalog, flavor: MysqlFlavor, options: CanonicalizeContext = {}): Promise<Catalog> {
  const schemas = [...new Set(model.schemas)].sort();
  const withBody = triggersWithBody(model.triggers);
  const triggers = withBody.length ? { triggers: orderMysqlTriggers(withBody.map(canonicalMysqlTrigger)) } : {};
  const routines = (model.routines ?? []).map(canonicalMysqlRoutine);
  const spelledRoutines = () => (routines.length > 0 ? { routines } : {});
  if (model.tables.length === 0 && !model.views?.length && !routines.some((r) => r.kind === "function")) return { schemas, tables: [], enums: [], ...triggers, ...spelledRoutines() };
  const beside = tablesForViews(model, options.database);
  const catalog: Catalog = { ...model, tables: [...model.tables, ...beside] };

  const server = await serverInfo(conn);
  const { rows } = await conn.query("SELECT @@character_set_database AS charset, @@collation_database AS collation");
  const charset = String(rows[0]?.charset ?? "utf8mb4");
  const collation = String(rows[0]?.collation ?? "");
  const scratch = scratchDatabases(catalog);
  const context = { enums: EnumRegistry.of(catalog.enums), flavor };
  const created: string[] = [];
  let tables: Table[];
  let views: View[] = [];
  try {
    for (const database of scratch.values()) {
      await conn.query(
        `CREATE DATABASE ${quoteIdentifier(database)} CHARACTER SET ${quoteLiteral(charset)}` +
          (collation ? ` COLLATE ${quoteLiteral(collation)}` : ""),
      );
      created.push(database);
    }
    const userNames = unscratch(scratch, server.database);
    for (const operation of buildOperations(catalog.tables.map((table) => relocate(table, scratch)))) {
      let statements;
      try {
        statements = compileOperation(operation, context);
      } catch (error) {
        // The model cannot be written for MySQL at all: say so about the user's table, never the scratch copy.
        if (error instanceof KilnError) throw new KilnError(userNames(error.message), { cause: error, details: error.details.map(userNames) });
        throw error;
      }
      for (const statement of statements) {
        try {
          await conn.query(statement.sql, statement.params);
        } catch (error) {
          const message = userNames(error instanceof Error ? error.message : String(error));
          throw new KilnError(
            `the model's table ${modelTableOf(operation)} cannot be created on this server (kiln builds the model in a scratch database to compare it): ${message}; fix the model`,
            { cause: error, details: [userNames(statement.sql)] },
          );
        }
      }
    }
    const scopes: DatabaseScope[] = [...scratch].map(([schema, database]) => ({ database, schema }));
    const besideKeys = new Set(beside.map((t) => `${t.schema ?? ""}\u0000${t.name}`));
    tables = (await readCatalog(conn, server, scopes)).filter((t) => !besideKeys.has(`${t.schema ?? ""}\u0000${t.name}`));
    if (model.views?.length) views = await spellViews(conn, model.views, scratch, server.database, userNames);
    await spellResults(conn, routines, scratch.get(undefined)!, userNames);
  } catch (error) {
    await dropScratch(conn, created).catch(() => {});
    throw error;
  }
  await dropScratch(conn, created);
  return { schemas, tables, enums: [], ...(views.length > 0 ? { views } : {}), ...triggers, ...spelledRoutines() };
}

/**
 * A function's result type as the server keeps it (BOOLEAN is tinyint(1),
 * DECIMAL(5,2) decimal(5,2)), which SHOW CREATE FUNCTION prints: each model
 * function is created under a numbered name in the scratch database (MySQL
 * does not check a body's names on CREATE) and its result read back.
 */
async function spellResults(conn: Connection, routines: Routine[], scratch: string, userNames: (text: string) => string): Promise<void> {
  const functions = routines.filter((r) => r.kind === "function");
  if (functions.length === 0) return;
  for (const [i, routine] of functions.entries()) {
    const sql = createMysqlRoutineSql({ ...routine, schema: scratch, name: `kiln_f${i}` });
    try {
      await conn.query(sql);
    } catch (error) {
      const message = userNames(error instanceof Error ? error.message : String(error)).replaceAll(`kiln_f${i}`, routine.name);
      throw new KilnError(`the model's function ${routine.schema ? `${routine.schema}.` : ""}${routine.name} cannot be created on this server (kiln builds the models in a scratch database to compare them): ${message}; fix the model`, { cause: error });
    }
  }
  const { rows } = await conn.query("SELECT ROUTINE_NAME AS n, DTD_IDENTIFIER AS t FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = 'FUNCTION'", [scratch]);
  const results = new Map(rows.map((row) => [String(row.n), String(row.t)]));
  functions.forEach((routine, i) => {
    const spelled = results.get(`kiln_f${i}`);
    if (spelled !== undefined) routine.returns = spelled;
  });
}

/**
 * The models' views created in the scratch databases over the scratch tables
 * (the connection's default database switched to the scratch one meanwhile,
 * so unqualified names resolve there as they will in the user's), then read
 * back: each model view with the server's spelling of its query as canonical form.
 */
async function spellViews(conn: Connection, views: View[], scratch: Map<string | undefined, string>, database: string, userNames: (text: string) => string): Promise<View[]> {
  await conn.query(`USE ${quoteIdentifier(scratch.get(undefined)!)}`);
  try {
    // A view may use another: created in rounds until none is left or none more succeeds.
    let pending = [...views];
    let failure: { view: View; error: unknown } | undefined;
    while (pending.length > 0) {
      const next: View[] = [];
      for (const view of pending) {
        const relocated = { ...view, schema: scratch.get(view.schema) };
        let sql: string;
        try {
          sql = compileMysqlView({ kind: "createView", view: relocated })[0]!.sql;
        } catch (error) {
          if (error instanceof KilnError) throw new KilnError(userNames(error.message), { cause: error });
          throw error;
        }
        try {
          await conn.query(sql);
        } catch (error) {
          failure = { view, error };
          next.push(view);
        }
      }
      if (next.length === pending.length) {
        const { view, error } = failure!;
        const message = userNames(error instanceof Error ? error.message : String(error));
        throw new KilnError(`the model's view ${view.schema ? `${view.schema}.` : ""}${view.name} cannot be created on this server (kiln builds the models in a scratch database to compare them): ${message}; fix the model`, {
          cause: error,
        });
      }
      pending = next;
    }
    const spelled = await readMysqlViews(conn, new Map([...scratch].map(([schema, name]) => [name, schema])));
    const bySchemaAndName = new Map(spelled.map((v) => [`${v.schema ?? ""}\u0000${v.name}`, v]));
    return views.map((view) => {
      const found = bySchemaAndName.get(`${view.schema ?? ""}\u0000${view.name}`)!;
      return spelledMysqlView(view, { ...found, definition: userNames(found.definition) });
    });
  } finally {
    await conn.query(database ? `USE ${quoteIdentifier(database)}` : "SELECT 1");
  }
}

/** Drop the scratch databases; foreign keys between them must not block the drop. */
async function dropScratch(conn: Connection, databases: string[]): Promise<void> {
  if (databases.length === 0) return;
  const { rows } = await conn.query("SELECT @@foreign_key_checks AS checks");
  const previous = Number(rows[0]?.checks ?? 1) === 0 ? 0 : 1;
  await conn.query("SET foreign_key_checks = 0");
  try {
    for (const database of databases) {
      try {
        await conn.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
      } catch (error) {
        throw new KilnError(
          `could not drop kiln's scratch database ${database}: ${error instanceof Error ? error.message : String(error)}; drop it by hand (DROP DATABASE \`${database}\`)`,
          { cause: error },
        );
      }
    }
  } finally {
    await conn.query(`SET foreign_key_checks = ${previous}`);
  }
}
