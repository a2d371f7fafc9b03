/**
 * InnoDB needs an index starting with each foreign key's columns: it makes one
 * under the key's name when none exists and drops it by itself once another
 * index serves the key, and refuses to drop an index a key needs. Adding (or
 * dropping) an index on a foreign-key column must upgrade and downgrade on
 * MariaDB, leaving SHOW CREATE TABLE as it was.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, serverAvailable } from "../helpers/databases.js";
import { showCreateTables } from "../helpers/mysql.js";
import { createProject, type TestProject } from "../helpers/project.js";

const available = await serverAvailable("mysql");

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function models(extras: string): string {
  return `import { table, integer, index } from "kiln-migrate/schema";
export const users = table("users", { id: integer().primaryKey() });
export const posts = table("posts", {
  id: integer().primaryKey(),
  authorId: integer("author_id").references(() => users.id),
}, (t) => [${extras}]);
`;
}

async function kilnOk(project: TestProject, args: string[]): Promise<void> {
  const result = await project.kiln(args);
  if (result.code !== 0) throw new Error(`kiln ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
}

describe.skipIf(!available)("an index serving a foreign key on MySQL/MariaDB", () => {
  it("is added and dropped both ways, and SHOW CREATE TABLE comes back identical", async () => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({ url: db.url, models: models("") });
    cleanups.push(() => project.remove());
    await kilnOk(project, ["revision", "--autogenerate", "-m", "tables"]);
    await kilnOk(project, ["upgrade", "head"]);
    const withoutIndex = await showCreateTables(db.url);
    // The key's own index, made by the server.
    expect(withoutIndex.posts).toMatch(/KEY `(\w+)` \(`author_id`\),\n\s+CONSTRAINT `\1` FOREIGN KEY/);

    // A new index on the key's column: the server drops its own one.
    project.write("schema.ts", models(`index("ix_posts_author").on(t.authorId)`));
    await kilnOk(project, ["revision", "--autogenerate", "-m", "index the author"]);
    await kilnOk(project, ["upgrade", "head"]);
    const withIndex = await showCreateTables(db.url);
    expect(withIndex.posts).toMatch(/KEY `ix_posts_author` \(`author_id`\)/);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await showCreateTables(db.url)).toEqual(withoutIndex);
    await kilnOk(project, ["upgrade", "head"]);
    expect(await showCreateTables(db.url)).toEqual(withIndex);

    // The index goes again: the key gets its own index back before it is dropped.
    project.write("schema.ts", models(""));
    await kilnOk(project, ["revision", "--autogenerate", "-m", "drop the index"]);
    await kilnOk(project, ["upgrade", "head"]);
    expect(await showCreateTables(db.url)).toEqual(withoutIndex);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await showCreateTables(db.url)).toEqual(withIndex);
    await kilnOk(project, ["upgrade", "head"]);
  }, 120_000);

  it("is created with its table, and the downgrade drops the table with it (MySQL refuses to drop the index first)", async () => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({ url: db.url, models: models(`index("ix_posts_author").on(t.authorId)`) });
    cleanups.push(() => project.remove());
    await kilnOk(project, ["revision", "--autogenerate", "-m", "tables with an index on the key"]);
    await kilnOk(project, ["upgrade", "head"]);
    const created = await showCreateTables(db.url);
    expect(created.posts).toMatch(/KEY `ix_posts_author` \(`author_id`\)/);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await showCreateTables(db.url)).toEqual({});
    await kilnOk(project, ["upgrade", "head"]);
    expect(await showCreateTables(db.url)).toEqual(created);
  }, 120_000);
});
