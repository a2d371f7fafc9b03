/**
 * `kiln import flyway` with placeholders, through the real CLI on PGlite: values from
 * the flyway.conf beside the folder and from --placeholder, replaced before the
 * history is replayed and written; a placeholder without a value exits 1 naming
 * the file, line and placeholder, and writes nothing.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProject, type TestProject } from "../helpers/project.js";

let project: TestProject | undefined;
afterEach(() => project?.remove());

function flywayProject(): TestProject {
  const p = createProject({ url: "pglite://memory" });
  p.write("flyway.conf", "flyway.placeholders.schema=billing\nflyway.placeholders.owner=nobody\n");
  p.write("sql/V1__init.sql", "CREATE SCHEMA ${schema};\nCREATE TABLE ${schema}.invoices (id integer PRIMARY KEY, note text DEFAULT '${flyway:filename}');\n");
  p.write("sql/V2__more.sql", "ALTER TABLE ${schema}.invoices ADD COLUMN ${column} integer;\n");
  return p;
}

describe("kiln import flyway with placeholders (PGlite)", () => {
  it("replaces them from flyway.conf and --placeholder, and the revisions pass kiln test", async () => {
    project = flywayProject();
    const imported = await project.kiln(["import", "flyway", "sql", "--placeholder", "column=total", "--no-stamp"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain("kiln test: every imported revision upgrades, downgrades and upgrades again");
    const files = project.revisionFiles().map((f) => project!.read(join("migrations", f)));
    expect(files).toHaveLength(2);
    expect(files[0]).toContain("CREATE TABLE billing.invoices (id integer PRIMARY KEY, note text DEFAULT 'V1__init.sql')");
    expect(files[1]).toContain("ALTER TABLE billing.invoices ADD COLUMN total integer");
    expect(files.join("\n")).not.toContain("${");
  }, 120_000);

  it("a placeholder without a value: exit 1, the file, line and placeholder named, nothing written", async () => {
    project = flywayProject();
    const imported = await project.kiln(["import", "flyway", "sql", "--no-stamp"]);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(`${join(project.dir, "sql", "V2__more.sql")} line 1 uses the Flyway placeholder \${column}, which has no value`);
    expect(imported.stderr).toContain("--placeholder column=VALUE");
    expect(project.revisionFiles()).toEqual([]);
    const wrongTool = await project.kiln(["import", "sql", "sql", "--placeholder", "a=b"]);
    expect(wrongTool.code).toBe(2);
    expect(wrongTool.stderr).toContain("--placeholder and --flyway-config are for Flyway histories, not sql");
  }, 120_000);
});
