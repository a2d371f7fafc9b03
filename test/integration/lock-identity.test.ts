/**
 * The migration lock is keyed on the version table itself, not on how a config
 * spells it: sixteen `kiln upgrade head` processes at once, half naming the
 * version table's schema (PostgreSQL "public", the MariaDB database, SQLite
 * "main" with the file given by a relative or an absolute path) and half not,
 * all end with exit 0 and run each step exactly once. Every step records its
 * run in a counter table that kiln does not manage.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";

const PROCESSES = 16;
const REVISIONS = 4;
/** Each step sleeps this long inside its transaction, so that runs overlap for sure. */
const STEP_SLEEP_MS = 300;

const id = (n: number) => `spell000000${n}`;

function countingRevision(n: number): string {
  return revisionSource({
    revision: id(n),
    downRevision: n === 1 ? null : id(n - 1),
    message: `counted step ${n}`,
    upgrade: `await op.execute("INSERT INTO step_runs (revision) VALUES ('${id(n)}')");
    await new Promise((resolve) => setTimeout(resolve, ${STEP_SLEEP_MS}));`,
    downgrade: `await op.execute("DELETE FROM step_runs WHERE revision = '${id(n)}'");`,
  });
}

interface Spelling {
  url: string;
  extraConfig: string;
}

interface Target {
  name: string;
  available(): Promise<boolean>;
  /** The database and two configs that spell one version table differently. */
  setup(): Promise<{ checkUrl: string; spellings: [Spelling, Spelling]; cleanup(): Promise<void> }>;
}

const LOCK_WAIT = "migrationLockTimeoutMs: 600000,";

const targets: Target[] = [
  {
    name: "postgresql server",
    available: () => serverAvailable("postgresql"),
    async setup() {
      const db = await createPgDatabase();
      return {
        checkUrl: db.url,
        spellings: [
          { url: db.url, extraConfig: LOCK_WAIT },
          { url: db.url, extraConfig: `${LOCK_WAIT} versionSchema: "public",` },
        ],
        cleanup: () => db.drop(),
      };
    },
  },
  {
    name: "mariadb",
    available: () => serverAvailable("mysql"),
    async setup() {
      const db = await createMysqlDatabase();
      return {
        checkUrl: db.url,
        spellings: [
          { url: db.url, extraConfig: LOCK_WAIT },
          { url: db.url, extraConfig: `${LOCK_WAIT} versionSchema: ${JSON.stringify(db.name)},` },
        ],
        cleanup: () => db.drop(),
      };
    },
  },
  {
    name: "sqlite file",
    available: async () => true,
    async setup() {
      const dir = tempDir("kiln-spell-");
      const file = join(dir.path, "spell.db");
      return {
        checkUrl: `sqlite://${file}`,
        spellings: [
          { url: `sqlite://${file}`, extraConfig: LOCK_WAIT },
          // Relative to the project folder the CLI runs in.
          { url: `sqlite://../${dir.path.split("/").pop()}/spell.db`, extraConfig: `${LOCK_WAIT} versionSchema: "main",` },
        ],
        cleanup: async () => dir.remove(),
      };
    },
  },
];

const available = await Promise.all(targets.map((t) => t.available()));

describe.each(targets.filter((_, i) => available[i]))("$name: sixteen concurrent upgrades, two spellings of the version table", (target) => {
  let checkUrl: string;
  let cleanup: () => Promise<void>;
  const projects: TestProject[] = [];
  let runs: CliResult[];

  beforeAll(async () => {
    let spellings: Spelling[];
    ({ checkUrl, spellings, cleanup } = await target.setup());
    await queryDb(checkUrl, "CREATE TABLE step_runs (revision VARCHAR(32) NOT NULL)");
    for (const spelling of spellings) {
      const project = createProject(spelling);
      for (let n = 1; n <= REVISIONS; n++) project.write(`migrations/00${n}_counted.ts`, countingRevision(n));
      projects.push(project);
    }
    runs = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => projects[i % 2]!.kiln(["upgrade", "head"])));
  }, 600_000);
  afterAll(async () => {
    for (const project of projects) project.remove();
    await cleanup?.();
  });

  it("ends every process with exit 0", () => {
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
  });

  it("runs each step exactly once", async () => {
    const counted = await queryDb(checkUrl, "SELECT revision, COUNT(*) AS runs FROM step_runs GROUP BY revision ORDER BY revision");
    expect(counted.map((r) => [r.revision, Number(r.runs)])).toEqual(Array.from({ length: REVISIONS }, (_, i) => [id(i + 1), 1]));
    const history = await queryDb(checkUrl, "SELECT revision FROM kiln_history WHERE direction = 'up' ORDER BY id");
    expect(history.map((r) => r.revision)).toEqual(Array.from({ length: REVISIONS }, (_, i) => id(i + 1)));
    expect(await queryDb(checkUrl, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(REVISIONS) }]);
  });
});

describe("lockKey: one key per table, whatever the spelling", () => {
  it("sqlite: no schema, main, MAIN and any letter case name one table; an attached file another", async () => {
    const dir = tempDir("kiln-spell-key-");
    try {
      const conn = await sqliteDialect.connect(parseDatabaseUrl(`sqlite://${join(dir.path, "a.db")}`));
      try {
        const key = await sqliteDialect.lockKey(conn, { versionTable: "kiln_version", historyTable: "h" });
        expect(await sqliteDialect.lockKey(conn, { schema: "main", versionTable: "kiln_version", historyTable: "h" })).toBe(key);
        expect(await sqliteDialect.lockKey(conn, { schema: "MAIN", versionTable: "KILN_Version", historyTable: "h" })).toBe(key);
        await conn.query(`ATTACH DATABASE ? AS aux`, [join(dir.path, "b.db")]);
        expect(await sqliteDialect.lockKey(conn, { schema: "aux", versionTable: "kiln_version", historyTable: "h" })).not.toBe(key);
      } finally {
        await conn.close();
      }
    } finally {
      dir.remove();
    }
  });

  it("pglite: no schema and the schema search_path resolves it to are one table; another schema another", async () => {
    const conn = await postgresDialect.connect(parseDatabaseUrl("pglite://memory"));
    try {
      const names = { versionTable: "kiln_version", historyTable: "h" };
      const key = await postgresDialect.lockKey(conn, names);
      expect(await postgresDialect.lockKey(conn, { ...names, schema: "public" })).toBe(key);
      await conn.query(`CREATE SCHEMA ops`);
      expect(await postgresDialect.lockKey(conn, { ...names, schema: "ops" })).not.toBe(key);
      // Once the unqualified name resolves to ops (search_path), it is ops' table.
      await conn.query(`SET search_path = ops, public`);
      expect(await postgresDialect.lockKey(conn, names)).toBe(await postgresDialect.lockKey(conn, { ...names, schema: "ops" }));
    } finally {
      await conn.close();
    }
  });
});
