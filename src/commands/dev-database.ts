/**
 * The dev database (config `devUrl`, KILN_DEV_URL, `--dev-url`): where
 * autogenerate and check ask the server to spell the models
 * (Dialect.canonicalize), so that nothing at all is created on the target, not
 * even scratch schemas in a rolled-back transaction. Spelling differs between
 * server versions (how defaults, checks and types print), so a dev database is
 * used only when the dialect's spellingVersion() says the same for both; any
 * other pairing is refused with the two versions named, never used quietly.
 */
import type { ResolvedConfig } from "../config/load.js";
import { redactedMessage } from "../config/secrets.js";
import { dialectFor } from "../dialects/index.js";
import type { Connection } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import type { Session } from "../runtime/session.js";

/**
 * Runs `work` with the connection canonicalization should use: the session's
 * own (the target) without a dev database, else a connection to the dev
 * database, checked and closed afterwards.
 */
export async function withSpellingConnection<T>(config: ResolvedConfig, session: Session, work: (conn: Connection) => Promise<T>): Promise<T> {
  const dev = config.devUrl;
  if (!dev) return spellOnTarget(config, session, work);
  const target = session.dialect;
  if (!target.spellingVersion) {
    throw new KilnError(`devUrl ${dev.display} is set, but ${target.name} does not spell models in a dev database`, {
      details: [
        "a dev database is for PostgreSQL (a server database or pglite://); on MySQL/MariaDB kiln spells the models in scratch databases on the target's server, on SQLite it creates nothing",
        `remove devUrl from ${config.configFile} (or KILN_DEV_URL, --dev-url) for this project`,
      ],
    });
  }
  const dialect = await dialectFor(dev);
  if (dialect !== target) {
    throw new KilnError(`devUrl ${dev.display} is a ${dialect.name} database, but the target ${config.url?.display ?? ""} is ${target.name}: a dev database must be of the target's kind`);
  }
  if (config.url && dev.raw === config.url.raw) {
    throw new KilnError(`devUrl ${dev.display} names the target database itself; give an empty scratch database (e.g. one named kiln_dev on the same server), or leave devUrl out`);
  }
  let conn: Connection;
  try {
    conn = await dialect.connect(dev);
  } catch (error) {
    throw new KilnError(`cannot connect to the dev database ${dev.display} (devUrl): ${redactedMessage(error)}`, {
      cause: error,
      details: ["kiln spells the models there instead of on the target; create it (an empty database), or leave devUrl out to spell them on the target"],
    });
  }
  try {
    const [ours, theirs] = [await target.spellingVersion(session.conn), await dialect.spellingVersion!(conn)];
    if (ours !== theirs) {
      throw new KilnError(`the dev database ${dev.display} runs ${theirs}, the target ${config.url?.display ?? ""} runs ${ours}: kiln refuses to spell the models there`, {
        details: [
          "how the server prints defaults, checks, index expressions and types differs between major versions, so a dev database of another version would make autogenerate and check report differences that are not there (or miss real ones)",
          `use an empty database on a server of ${ours} (e.g. CREATE DATABASE kiln_dev next to the target), or leave devUrl out to spell on the target`,
        ],
      });
    }
    return await work(conn);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/**
 * Spelling on the target builds scratch schemas there (rolled back), which a
 * hot standby refuses: when spelling fails on one, say so and what to do
 * instead of passing on its read-only error (asked only after a failure).
 */
async function spellOnTarget<T>(config: ResolvedConfig, session: Session, work: (conn: Connection) => Promise<T>): Promise<T> {
  try {
    return await work(session.conn);
  } catch (error) {
    const standby = await session.dialect.replication?.standbyOf(session.conn).catch(() => undefined);
    if (!standby) throw error;
    throw new KilnError(`${config.url?.display ?? "the database"} is a hot standby (read-only): kiln cannot build there the scratch schemas it spells the models in (${redactedMessage(error)})`, {
      cause: error,
      details: [
        "set devUrl (or KILN_DEV_URL, --dev-url) to an empty database on a server of the same major version, e.g. CREATE DATABASE kiln_dev on the primary: the standby is then only read",
        "or run the command against the primary",
      ],
    });
  }
}
