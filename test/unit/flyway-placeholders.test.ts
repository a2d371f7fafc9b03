/**
 * Flyway placeholders in `kiln import flyway` (src/import/sources/flyway-placeholders.ts):
 * values from a flyway.conf and from --placeholder, Flyway's own ${flyway:filename}
 * and ${flyway:table}, custom markers, replacement turned off, and a clear error
 * naming the file, line and placeholder for one without a value.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KilnError } from "../../src/errors.js";
import { readFlyway } from "../../src/import/sources/flyway.js";
import { parseProperties } from "../../src/import/sources/flyway-placeholders.js";
import { splitStatements } from "../../src/import/split.js";
import { tempDir } from "../helpers/databases.js";

const split = (sql: string) => splitStatements(sql);
const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

/** A project folder with `sql/` (the migrations) and the other files given. */
function project(files: Record<string, string>): { root: string; migrations: string } {
  const dir = tempDir("kiln-flyway-");
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, ".."), { recursive: true });
    writeFileSync(join(dir.path, name), text);
  }
  return { root: dir.path, migrations: join(dir.path, "sql") };
}

describe("Flyway placeholders", () => {
  it("reads Java properties: separators, comments, continuations and escapes", () => {
    const props = parseProperties("# comment\n! also\nflyway.placeholders.a=1\nflyway.placeholders.b : two words\nflyway.placeholders.c=x\\\n  y\nflyway.placeholders.d=tab\\there\\u0041\n");
    expect(Object.fromEntries(props)).toEqual({ "flyway.placeholders.a": "1", "flyway.placeholders.b": "two words", "flyway.placeholders.c": "xy", "flyway.placeholders.d": "tab\thereA" });
  });

  it("replaces ${name} from the flyway.conf beside the folder, --placeholder over it, and Flyway's own", () => {
    const { root, migrations } = project({
      "flyway.conf": "flyway.url=jdbc:postgresql://localhost/app\nflyway.placeholders.owner=app_owner\nflyway.placeholders.Schema=billing\n",
      "sql/V1__init.sql": "CREATE SCHEMA ${schema};\nCREATE TABLE ${schema}.t (id int); -- from ${flyway:filename}\nALTER TABLE ${schema}.t OWNER TO ${owner};",
      "sql/U1__init.sql": "DROP SCHEMA ${schema} CASCADE; -- ${flyway:table}",
    });
    const history = readFlyway(migrations, split, { placeholders: ["owner=someone_else"], cwd: root });
    expect(history.migrations[0]!.statements).toEqual([
      "CREATE SCHEMA billing",
      "CREATE TABLE billing.t (id int)",
      "-- from V1__init.sql\nALTER TABLE billing.t OWNER TO someone_else",
    ]);
    expect(history.migrations[0]!.undo!.statements).toEqual(["DROP SCHEMA billing CASCADE"]);
  });

  it("an unknown placeholder stops the import, naming the file, the line and how to give it a value", () => {
    const { root, migrations } = project({ "sql/V1__a.sql": "SELECT 1;\nGRANT SELECT ON t TO ${reader};" });
    let error: unknown;
    try {
      readFlyway(migrations, split, { placeholders: ["owner=x"], cwd: root });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).message).toBe(`${join(migrations, "V1__a.sql")} line 2 uses the Flyway placeholder \${reader}, which has no value`);
    expect((error as KilnError).details.join("\n")).toMatch(/--placeholder reader=VALUE[\s\S]*known placeholders: flyway:filename, flyway:table, owner/);
  });

  it("custom markers, replacement turned off, a named config file, and text that is no placeholder", () => {
    const custom = project({ "conf/f.conf": "flyway.placeholderPrefix=#[\nflyway.placeholderSuffix=]\nflyway.placeholders.n=7\n", "sql/V1__a.sql": "SELECT #[n], '${x}', $$ ${ not one } $$;" });
    expect(readFlyway(custom.migrations, split, { configFile: "conf/f.conf", cwd: custom.root }).migrations[0]!.statements).toEqual(["SELECT 7, '${x}', $$ ${ not one } $$"]);
    const off = project({ "flyway.conf": "flyway.placeholderReplacement=false\n", "sql/V1__a.sql": "SELECT '${x}';" });
    expect(readFlyway(off.migrations, split, { cwd: off.root }).migrations[0]!.statements).toEqual(["SELECT '${x}'"]);
    expect(() => readFlyway(off.migrations, split, { configFile: "missing.conf", cwd: off.root })).toThrow(/the Flyway configuration .*missing\.conf does not exist/);
  });
});
