/**
 * Checks of where kiln's own tables are, made before a command reads or writes
 * them: a configured name that is a user's table, a versionSchema that does not
 * exist while kiln's tables live in another schema of the same database, and
 * creating the tables without the privilege to. Each failure says what to change.
 */
import { redactedMessage } from "../config/secrets.js";
import type { Connection, Dialect, TableSurvey } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import type { BookkeepingTables } from "./bookkeeping.js";

/** Columns every kiln version of the tables has (the version table is Alembic's shape). */
const KILN_COLUMNS = {
  version: ["version_num"],
  history: ["revision", "direction", "checksum", "started_at", "duration_ms", "kiln_version"],
};

function missingColumns(table: { columns: string[] }, required: string[]): string[] {
  const present = new Set(table.columns.map((c) => c.toLowerCase()));
  return required.filter((c) => !present.has(c));
}

/** Refuses a version or history table name that belongs to another table, and a versionSchema that would start kiln afresh by mistake. */
export async function checkBookkeepingPlace(dialect: Dialect, conn: Connection, tables: BookkeepingTables): Promise<void> {
  const survey = await dialect.surveyTables(conn, [tables.versionTable, tables.historyTable], tables.schema);
  checkShapes(dialect, tables, survey);
  checkVersionSchema(tables, survey);
}

function checkShapes(dialect: Dialect, tables: BookkeepingTables, survey: TableSurvey): void {
  const kinds = [
    { name: tables.versionTable, key: "versionTable", fallback: "kiln_version", required: KILN_COLUMNS.version, what: "version" },
    { name: tables.historyTable, key: "historyTable", fallback: "kiln_history", required: KILN_COLUMNS.history, what: "history" },
  ];
  for (const kind of kinds) {
    const found = survey.tables.find((t) => t.atTarget && t.name === kind.name);
    if (!found) continue;
    const missing = missingColumns(found, kind.required);
    if (missing.length === 0) continue;
    throw new KilnError(
      `the table ${dialect.tableName(tables.schema, kind.name)} is not kiln's ${kind.what} table (it has no column ${missing.join(", ")}): ` +
        `it looks like one of your tables, and kiln will not write into it. Set \`${kind.key}\` in the config to a name no table uses (the default is ${kind.fallback}).`,
    );
  }
}

function checkVersionSchema(tables: BookkeepingTables, survey: TableSurvey): void {
  if (tables.schema === undefined || survey.schemaExists) return;
  const elsewhere = survey.tables.filter((t) => !t.atTarget && t.name === tables.versionTable && missingColumns(t, KILN_COLUMNS.version).length === 0);
  if (elsewhere.length === 0) return;
  const places = elsewhere.map((t) => `"${t.schema}"`).join(", ");
  throw new KilnError(
    `\`versionSchema\` is "${tables.schema}", which does not exist, but kiln's version table ${tables.versionTable} is in ${places}: ` +
      `kiln would start from base there and run every revision again. Set \`versionSchema: ${JSON.stringify(elsewhere[0]!.schema)}\` (or remove it if that is the default schema); ` +
      `to keep a separate history in "${tables.schema}" on purpose, create that schema first.`,
  );
}

/** Creates kiln's tables; a missing privilege is named with what to grant, instead of a raw driver error. */
export async function createBookkeeping(dialect: Dialect, conn: Connection, tables: BookkeepingTables): Promise<void> {
  try {
    for (const sql of dialect.bookkeepingDDL(tables)) await conn.query(sql);
  } catch (error) {
    const message = redactedMessage(error);
    const names = `${dialect.tableName(tables.schema, tables.versionTable)} and ${dialect.tableName(tables.schema, tables.historyTable)}`;
    if (!dialect.isPermissionDenied(error)) throw new KilnError(`cannot create kiln's tables ${names}: ${message}`, { cause: error });
    const schema = (await dialect.surveyTables(conn, [tables.versionTable], tables.schema).catch(() => undefined))?.schema ?? tables.schema ?? "the default schema";
    throw new KilnError(
      `cannot create kiln's tables ${names}: the user in the database URL lacks the CREATE privilege on "${schema}" (${message}). ` +
        `Grant the user CREATE on "${schema}" (the database on MySQL/MariaDB, the schema on PostgreSQL), or have an administrator create the tables once: \`kiln stamp base --sql\` prints their CREATE statements.`,
      { cause: error },
    );
  }
}
