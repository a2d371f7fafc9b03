/**
 * PostgreSQL revisions that mix transactional statements with ones PostgreSQL
 * runs outside a transaction (CREATE/DROP INDEX CONCURRENTLY). When such a step
 * fails, what was committed before the non-transactional statement stays: kiln
 * must say exactly that (not "rolled back"), `kiln current` must name the
 * partial step, and running the command again after fixing the cause must
 * finish the step with no hand repair (kiln's journal: runtime/journal.ts).
 * On the PostgreSQL server and on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { errorLine } from "./safety-fixtures.js";

const REV1 = "jrnl00000001";
const REV2 = "jrnl00000002";
const REV3 = "jrnl00000003";

const revisions = {
  [REV1]: revisionSource({
    revision: REV1,
    downRevision: null,
    upgrade: `await op.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')");
    await op.execute("CREATE TABLE items (id integer PRIMARY KEY, code text NOT NULL, kind text NOT NULL)");
    await op.execute("INSERT INTO items VALUES (1, 'a', 'happy'), (2, 'a', 'sad')");`,
  }),
  // addColumn, then a unique index built CONCURRENTLY over duplicate codes, then more DDL.
  [REV2]: revisionSource({
    revision: REV2,
    downRevision: REV1,
    upgrade: `await op.addColumn("items", "note", { type: "text" });
    await op.createIndex("ux_items_code", "items", ["code"], { unique: true, concurrently: true });
    await op.addColumn("items", "extra", { type: "integer" });`,
    downgrade: `await op.dropIndex("ux_items_code", "items", { concurrently: true });
    await op.dropColumn("items", "extra");
    await op.dropColumn("items", "note");`,
  }),
  // The downgrade drops an index CONCURRENTLY, then fails converting a column to the enum.
  [REV3]: revisionSource({
    revision: REV3,
    downRevision: REV2,
    upgrade: `await op.createIndex("ix_items_kind", "items", ["kind"], { concurrently: true });`,
    downgrade: `await op.dropIndex("ix_items_kind", "items", { concurrently: true });
    await op.execute("ALTER TABLE items ALTER COLUMN kind TYPE mood USING kind::mood");`,
  }),
};

interface Target {
  name: string;
  available(): Promise<boolean>;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "postgresql server",
    available: () => serverAvailable("postgresql"),
    async setup() {
      const db = await createPgDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
  },
  {
    name: "pglite",
    available: async () => true,
    async setup() {
      const dir = tempDir("kiln-journal-pglite-");
      return { url: `pglite://${dir.path}/db`, cleanup: async () => dir.remove() };
    },
  },
];

const available = await Promise.all(targets.map((t) => t.available()));

describe.each(targets.filter((_, i) => available[i]))("$name: a failed step with statements outside the transaction", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    project = createProject({ url });
    for (const [id, source] of Object.entries(revisions)) project.write(`migrations/${id}.ts`, source);
  });
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  const versions = async () => (await queryDb(url, "SELECT version_num FROM kiln_version")).map((r) => r.version_num);
  const columns = async () =>
    (await queryDb(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position")).map(
      (r) => r.column_name,
    );
  const indexes = async () =>
    (
      await queryDb(
        url,
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'items' AND NOT i.indisprimary ORDER BY 1",
      )
    ).map((r) => `${r.relname}${r.indisvalid ? "" : " (INVALID)"}`);
  const journalRows = async () => queryDb(url, "SELECT seq, state FROM kiln_version_journal ORDER BY seq");

  it("upgrade: says the committed ADD COLUMN stays, removes the INVALID index, and a retry after fixing the data reaches head", async () => {
    expect((await project.kiln(["upgrade", REV1])).code).toBe(0);

    const failed = await project.kiln(["upgrade", "head"]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(errorLine(failed)).toContain(`upgrade of revision ${REV2}`);
    expect(failed.stderr).not.toContain("the step was rolled back");
    expect(failed.stderr).toContain("1 statement(s) of this step stay applied");
    expect(failed.stderr).toContain(`stays applied: ALTER TABLE "items" ADD COLUMN "note" text`);
    expect(failed.stderr).toContain("kiln removed the INVALID index ux_items_code the failed build left behind");
    expect(failed.stderr).toContain(`the version table still names ${REV1}`);
    expect(failed.stderr).toContain(`kiln upgrade ${REV2}`);
    // Exactly what the message says.
    expect(await versions()).toEqual([REV1]);
    expect(await columns()).toEqual(["id", "code", "kind", "note"]);
    expect(await indexes()).toEqual([]);

    const current = await project.kiln(["current"]);
    expect(current.code).toBe(0);
    expect(current.stdout).toContain(REV1);
    expect(current.stderr).toContain(
      `the upgrade of revision ${REV2} is partly applied: 1 statement(s) ran and stay applied (last: ALTER TABLE "items" ADD COLUMN "note" text)`,
    );

    await queryDb(url, "UPDATE items SET code = 'b' WHERE id = 2");
    const retried = await project.kiln(["upgrade", "head"]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(await versions()).toEqual([REV3]);
    expect(await columns()).toEqual(["id", "code", "kind", "note", "extra"]);
    expect(await indexes()).toEqual(["ix_items_kind", "ux_items_code"]);
    expect(await journalRows()).toEqual([]);
    expect((await project.kiln(["current"])).stderr).not.toContain("partly applied");
    // Each step once in the history.
    const history = await queryDb(url, "SELECT revision FROM kiln_history WHERE direction = 'up' ORDER BY id");
    expect(history.map((r) => r.revision)).toEqual([REV1, REV2, REV3]);
  });

  it("downgrade: says the dropped index stays dropped, and a retry after fixing the data finishes the downgrade", async () => {
    await queryDb(url, "UPDATE items SET kind = 'angry' WHERE id = 2");
    const failed = await project.kiln(["downgrade", REV2]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(errorLine(failed)).toContain(`downgrade of revision ${REV3}`);
    expect(failed.stderr).toContain("invalid input value for enum mood");
    expect(failed.stderr).not.toContain("the step was rolled back");
    expect(failed.stderr).toContain(`stays applied: DROP INDEX CONCURRENTLY "ix_items_kind"`);
    expect(failed.stderr).toContain(`kiln downgrade ${REV2}`);
    expect(await versions()).toEqual([REV3]);
    expect(await indexes()).toEqual(["ux_items_code"]);

    // Anything but finishing the partial downgrade is refused, and changes nothing.
    const other = await project.kiln(["upgrade", "head"]);
    expect(other.code).toBe(1);
    expect(errorLine(other)).toContain(`the downgrade of revision ${REV3} is partly applied`);
    expect((await project.kiln(["current"])).stderr).toContain(`the downgrade of revision ${REV3} is partly applied`);

    await queryDb(url, "UPDATE items SET kind = 'sad' WHERE id = 2");
    const retried = await project.kiln(["downgrade", REV2]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(await versions()).toEqual([REV2]);
    const kind = await queryDb(url, "SELECT data_type, udt_name FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'kind'");
    expect(kind).toEqual([{ data_type: "USER-DEFINED", udt_name: "mood" }]);
    expect(await journalRows()).toEqual([]);
  });

  it("ALTER TYPE ... ADD VALUE runs inside the step's transaction: a failing step takes it back", async () => {
    project.write(
      "migrations/jrnl00000004.ts",
      revisionSource({
        revision: "jrnl00000004",
        downRevision: REV3,
        upgrade: `await op.addEnumValue("mood", "calm");
    await op.execute("SELECT 1 / 0");`,
      }),
    );
    expect((await project.kiln(["upgrade", REV3])).code).toBe(0);
    const failed = await project.kiln(["upgrade", "head"]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toContain("the step was rolled back; the database and the version table are as they were before it");
    const labels = async () =>
      (await queryDb(url, "SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY enumsortorder")).map(
        (r) => r.enumlabel,
      );
    expect(await labels()).toEqual(["happy", "sad"]);

    // A step that uses the new value at once still works: kiln commits the value first.
    project.write(
      "migrations/jrnl00000004.ts",
      revisionSource({
        revision: "jrnl00000004",
        downRevision: REV3,
        upgrade: `await op.addEnumValue("mood", "calm");
    await op.execute("UPDATE items SET kind = 'calm' WHERE id = 1");`,
      }),
    );
    const using = await project.kiln(["upgrade", "head"]);
    expect(using.code, using.stderr).toBe(0);
    expect(using.stderr).toContain("running the step again with such statements committed first");
    expect(await labels()).toEqual(["happy", "sad", "calm"]);
    expect(await queryDb(url, "SELECT kind::text AS kind FROM items ORDER BY id")).toEqual([{ kind: "calm" }, { kind: "sad" }]);
    expect(await versions()).toEqual(["jrnl00000004"]);
  });
});
