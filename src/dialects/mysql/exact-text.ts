/**
 * information_schema prints table definitions in the utf8mb3 system character
 * set, so an enum value or a default holding a character above U+FFFF (an emoji)
 * reads back as "?". The table itself keeps the exact text: a one-column
 * temporary copy of the column (same type, same default) gives each enum or set
 * member by its index and the default by inserting a row without values.
 * Only columns whose reported text holds a "?" are read this way.
 */
import { randomBytes } from "node:crypto";
import type { Column } from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
import type { Connection } from "../types.js";
import { quoteIdentifier, quoteLiteral } from "./quote.js";

/** True when information_schema may have replaced characters of this column's type or default by "?". */
export function mayHoldLostCharacters(column: Column): boolean {
  return (isEnumOrSet(column.type) && column.type.includes("?")) || (column.default !== undefined && isQuotedLiteral(column.default) && column.default.includes("?"));
}

function isEnumOrSet(type: string): boolean {
  return /^(enum|set)\(/i.test(type);
}

function isQuotedLiteral(text: string): boolean {
  return /^'(?:[^'\\]|''|\\.)*'$/s.test(text);
}

/** The number of members in `enum('a','b''c',...)` as the server prints it (quotes doubled, backslashes escaped). */
function memberCount(type: string): number {
  const body = type.slice(type.indexOf("(") + 1, type.lastIndexOf(")"));
  return body.match(/'(?:[^'\\]|''|\\.)*'/gs)?.length ?? 0;
}

/** Sets the exact type and default of `column` of table `database`.`table`, read from the table itself. */
export async function readExactText(conn: Connection, database: string, table: string, column: Column): Promise<void> {
  const probe = quoteIdentifier(`kiln_exact_${randomBytes(4).toString("hex")}`);
  const name = quoteIdentifier(column.name);
  try {
    await conn.query(`CREATE TEMPORARY TABLE ${probe} AS SELECT ${name} FROM ${quoteIdentifier(database)}.${quoteIdentifier(table)} LIMIT 0`);
  } catch (error) {
    throw new KilnError(
      `cannot read column ${quoteIdentifier(table)}.${name} exactly: information_schema shows "?" in its type or default, which may stand for a character above U+FFFF, and kiln reads those from a temporary copy of the column: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: ["grant the user CREATE TEMPORARY TABLES on the database so that kiln can compare such values"] },
    );
  }
  try {
    if (isEnumOrSet(column.type) && column.type.includes("?")) {
      const count = memberCount(column.type);
      const isSet = /^set\(/i.test(column.type);
      // An enum member by its index (1, 2, ...), a set member by its bit (1, 2, 4, ...).
      const indexes = Array.from({ length: count }, (_, i) => (isSet ? 2 ** i : i + 1));
      const members: string[] = [];
      for (const index of indexes) {
        await conn.query(`DELETE FROM ${probe}`);
        await conn.query(`INSERT INTO ${probe} (${name}) VALUES (${index})`);
        const { rows } = await conn.query(`SELECT ${name} AS v FROM ${probe}`);
        members.push(String(rows[0]?.v ?? ""));
      }
      column.type = `${isSet ? "set" : "enum"}(${members.map(quoteLiteral).join(",")})`;
    }
    if (column.default !== undefined && isQuotedLiteral(column.default) && column.default.includes("?")) {
      await conn.query(`DELETE FROM ${probe}`);
      await conn.query(`INSERT INTO ${probe} () VALUES ()`);
      const { rows } = await conn.query(`SELECT ${name} AS v FROM ${probe}`);
      const value = rows[0]?.v;
      if (typeof value === "string") column.default = quoteLiteral(value);
    }
  } finally {
    await conn.query(`DROP TEMPORARY TABLE IF EXISTS ${probe}`).catch(() => undefined);
  }
}
