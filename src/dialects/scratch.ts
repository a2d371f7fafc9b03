/**
 * Scratch databases for `kiln test`: a database the check may change freely,
 * and how to get rid of it. Each dialect says how it makes one (Dialect.createScratch);
 * the helpers here are shared by the server dialects and the file/folder ones.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redactedMessage } from "../config/secrets.js";
import { parseDatabaseUrl } from "../config/url.js";
import { KilnError } from "../errors.js";
import type { Connection, DatabaseUrl, Dialect, ScratchDatabase, ScratchOptions } from "./types.js";

export type { ScratchDatabase, ScratchOptions } from "./types.js";


export function randomSuffix(): string {
  return randomBytes(4).toString("hex");
}

/**
 * A stand-in host for URLs without one (`postgres://user@/db?host=/socket/dir`,
 * which pg reads as the socket), so the WHATWG parser can edit their path.
 */
const NO_HOST = "kiln-no-host.invalid";

function editable(raw: string): { url: URL; text(): string } {
  let url: URL;
  let standIn = false;
  try {
    url = new URL(raw);
  } catch {
    url = new URL(raw.replace("@/", `@${NO_HOST}/`));
    standIn = true;
  }
  return { url, text: () => (standIn ? url.toString().replace(`@${NO_HOST}/`, "@/") : url.toString()) };
}

/** The URL with another database name as its path (server URLs only). */
export function withDatabase(url: DatabaseUrl, database: string): DatabaseUrl {
  const edited = editable(url.raw);
  edited.url.pathname = `/${encodeURIComponent(database)}`;
  return parseDatabaseUrl(edited.text());
}

export function databaseName(url: DatabaseUrl): string | undefined {
  const path = editable(url.raw).url.pathname.replace(/^\//, "");
  return path ? decodeURIComponent(path) : undefined;
}


/**
 * A connection to the server that can create and drop databases: the configured
 * database first, then the server's maintenance database (the configured one may
 * not exist yet on a fresh setup).
 */
async function connectToServer(dialect: Dialect, configured: DatabaseUrl, maintenance: string): Promise<Connection> {
  try {
    return await dialect.connect(configured);
  } catch (first) {
    if (databaseName(configured) === maintenance) throw first;
    try {
      return await dialect.connect(withDatabase(configured, maintenance));
    } catch {
      throw first;
    }
  }
}

/** CREATE DATABASE next to the configured one; dispose() drops it. */
export async function serverScratch(
  dialect: Dialect,
  configured: DatabaseUrl,
  name: string,
  maintenance: string,
  options: ScratchOptions,
): Promise<ScratchDatabase> {
  const quoted = dialect.quoteIdentifier(name);
  const admin = await connectToServer(dialect, configured, maintenance);
  try {
    await admin.query(`CREATE DATABASE ${quoted}`);
  } catch (error) {
    throw new KilnError(`cannot create the scratch database ${name} on ${configured.display}: ${redactedMessage(error)}`, {
      details: [
        "kiln test runs on a scratch database, never on yours; the user in the URL needs the right to create databases",
        "or create an empty database yourself and pass it with `kiln test --url URL`",
      ],
      cause: error,
    });
  } finally {
    await admin.close().catch(() => undefined);
  }
  return {
    url: withDatabase(configured, name),
    keptNote: `the scratch database ${name} on ${configured.display} was kept; drop it with DROP DATABASE ${quoted}`,
    async dispose() {
      try {
        const conn = await connectToServer(dialect, configured, maintenance);
        try {
          await conn.query(`DROP DATABASE IF EXISTS ${quoted}`);
        } finally {
          await conn.close().catch(() => undefined);
        }
      } catch (error) {
        options.warn(`could not drop the scratch database ${name} on ${configured.display} (${redactedMessage(error)}); drop it by hand with DROP DATABASE ${quoted}`);
      }
    },
  };
}

/** A temporary folder holding the scratch database; `url` gets the folder's path. */
export function folderScratch(describe: string, url: (folder: string) => string): ScratchDatabase {
  const folder = mkdtempSync(join(tmpdir(), "kiln-test-"));
  const location = url(folder);
  return {
    url: parseDatabaseUrl(location),
    keptNote: `the scratch ${describe} database was kept in ${folder}; delete the folder when done`,
    dispose: async () => rmSync(folder, { recursive: true, force: true }),
  };
}
