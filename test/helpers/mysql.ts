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

