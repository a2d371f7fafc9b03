/**
 * PostgreSQL URLs in the forms psql takes, through the real CLI, over the local
 * socket: no host (`postgresql:///db`, the socket as psql finds it) and
 * `?host=/var/run/postgresql`. The revision records whether its session came
 * over a socket (inet_server_addr() is null there), so a TCP fallback would show.
 */
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PG_ADMIN_URL, createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

const serverUp = await serverAvailable("postgresql");
const SOCKET_FOLDER = "/var/run/postgresql";

const RECORD_TRANSPORT = revisionSource({
  revision: "50c4e7000001",
  downRevision: null,
  message: "record how kiln connected",
  upgrade: `await op.execute("CREATE TABLE transport AS SELECT inet_server_addr() IS NULL AS over_socket");`,
  downgrade: `await op.execute("DROP TABLE transport");`,
});

let db: ScratchDatabase;
let project: TestProject | undefined;
beforeEach(async () => {
  db = await createPgDatabase();
});
afterEach(async () => {
  project?.remove();
  project = undefined;
  await db.drop();
});

async function overSocket(): Promise<boolean> {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db.name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query("SELECT over_socket FROM transport")).rows[0].over_socket as boolean;
  } finally {
    await client.end();
  }
}

describe.runIf(serverUp)("PostgreSQL socket URLs through the CLI", () => {
  it.each([
    // The user from PGUSER, as psql takes it.
    ["postgresql:///%s", { PGUSER: "postgres" }, "postgresql:///%s"],
    [`postgres://postgres@/%s?host=${SOCKET_FOLDER}`, {}, `postgres://postgres@/%s?host=${SOCKET_FOLDER}`],
    [`postgresql://postgres:s3cret@/%s?host=${encodeURIComponent(SOCKET_FOLDER)}&sslmode=disable`, {}, `postgresql://postgres:***@/%s?host=${SOCKET_FOLDER}&sslmode=disable`],
  ])("%s: current, upgrade head, over the socket, password never printed", async (template, env, shown) => {
    const url = template.replace("%s", db.name);
    project = createProject({ url: "sqlite://unused.db" });
    project.write("migrations/one.ts", RECORD_TRANSPORT);
    // No PGHOST/PGPORT from the test's environment: the URL alone decides.
    const withUrl = { ...env, DATABASE_URL: url, PGHOST: "", PGPORT: "" };

    const current = await project.kiln(["current"], withUrl);
    expect(current.stderr).toContain(`(no revision applied): ${shown.replace("%s", db.name)}`);
    expect(current.code).toBe(0);

    const upgrade = await project.kiln(["upgrade", "head"], withUrl);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stderr).toContain(`at 50c4e7000001 (${shown.replace("%s", db.name)})`);
    expect(current.stderr + upgrade.stderr + current.stdout + upgrade.stdout).not.toContain("s3cret");
    expect(await overSocket()).toBe(true);
  });

  it("kiln test makes and drops its scratch database over a ?host= socket URL", async () => {
    project = createProject({ url: "sqlite://unused.db" });
    project.write("migrations/one.ts", RECORD_TRANSPORT);
    const env = { DATABASE_URL: `postgres://postgres@/${db.name}?host=${SOCKET_FOLDER}`, PGHOST: "", PGPORT: "" };
    const result = await project.kiln(["test"], env);
    expect(result.stderr).not.toContain("Invalid URL");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`?host=${SOCKET_FOLDER}`);
  });
});
