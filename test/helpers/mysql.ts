/** MariaDB helpers shared by the suites: load a SQL file, read SHOW CREATE TABLE of every table. */
import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";

export async function loadSql(url: string, file: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    await conn.query(readFileSync(file, "utf8"));
  } finally {
    await conn.end();
  }
}

/** SHOW CREATE TABLE of every base table, by name. */
export async function showCreateTables(url: string): Promise<Record<string, string>> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await conn.query("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'");
    const result: Record<string, string> = {};
    for (const row of rows as Record<string, string>[]) {
      const name = Object.values(row)[0]!;
      if (name.startsWith("kiln_")) continue;
      const [created] = await conn.query(`SHOW CREATE TABLE \`${name.replaceAll("`", "``")}\``);
      result[name] = String((created as Record<string, string>[])[0]!["Create Table"]);
    }
    return result;
  } finally {
    await conn.end();
  }
}


/**
 * SHOW CREATE VIEW / TRIGGER / FUNCTION / PROCEDURE of every such object, by
 * `kind name`: the statement as the server prints it (a trigger's "SQL Original
 * Statement"; the DEFINER is the loading user's either way).
 */
export async function showCreateObjects(url: string): Promise<Record<string, string>> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const quote = (name: string) => `\`${name.replaceAll("`", "``")}\``;
    const result: Record<string, string> = {};
    const [views] = await conn.query("SELECT TABLE_NAME AS n FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1");
    for (const { n } of views as { n: string }[]) {
      const [rows] = await conn.query(`SHOW CREATE VIEW ${quote(n)}`);
      result[`view ${n}`] = String((rows as Record<string, string>[])[0]!["Create View"]);
    }
    const [triggers] = await conn.query("SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1");
    for (const { n } of triggers as { n: string }[]) {
      const [rows] = await conn.query(`SHOW CREATE TRIGGER ${quote(n)}`);
      result[`trigger ${n}`] = String((rows as Record<string, string>[])[0]!["SQL Original Statement"]);
    }
    const [routines] = await conn.query("SELECT ROUTINE_TYPE AS t, ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1, 2");
    for (const { t, n } of routines as { t: string; n: string }[]) {
      const [rows] = await conn.query(`SHOW CREATE ${t} ${quote(n)}`);
      const column = t === "FUNCTION" ? "Create Function" : "Create Procedure";
      result[`${t.toLowerCase()} ${n}`] = String((rows as Record<string, string>[])[0]![column]);
    }
    return result;
  } finally {
    await conn.end();
  }
}

/** Every trigger as `table timing event: name, name, ...` in firing order (ACTION_ORDER), which SHOW CREATE TRIGGER does not print. */
export async function triggerOrder(url: string): Promise<string[]> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await conn.query(
      `SELECT CONCAT(EVENT_OBJECT_TABLE, ' ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ': ', GROUP_CONCAT(TRIGGER_NAME ORDER BY ACTION_ORDER SEPARATOR ', ')) AS g
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
        GROUP BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION ORDER BY 1`,
    );
    return (rows as { g: string }[]).map((r) => r.g);
  } finally {
    await conn.end();
  }
}
