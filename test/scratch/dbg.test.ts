import { readFileSync } from "node:fs";
import { it } from "vitest";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";
it("dbg", async () => {
  const conn = await sqliteDialect.connect({ raw: "sqlite::memory:", display: "", scheme: "sqlite" });
  for (const s of readFileSync("test/fixtures/sqlite/sakila.sql", "utf8").split(/;\n\n/)) if (s.trim()) await conn.query(s);
  const c = await sqliteDialect.introspect(conn);
  const t = c.tables.find((t) => t.name === "customer")!;
  console.log(JSON.stringify(t.foreignKeys), JSON.stringify(t.primaryKey));
  console.log((await conn.query("select * from pragma_foreign_key_list('customer')")).rows);
});
