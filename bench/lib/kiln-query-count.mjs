/**
 * Counts the SQL statements `kiln revision --autogenerate` sends, by phase.
 * Run as a child process in a kiln project folder:
 *
 *   node bench/lib/kiln-query-count.mjs
 *
 * It wraps the PostgreSQL dialect's connect() (the one object every session
 * goes through) with a counting Connection, marks the introspect and
 * canonicalize phases, runs the public `revision({ autogenerate: true })`, and
 * prints {"total":N,"introspect":N,"canonicalize":N,"other":N} on stdout.
 */
import { postgresDialect } from "../../dist/dialects/postgres/index.js";
import { revision } from "../../dist/index.js";

const counts = { total: 0, introspect: 0, canonicalize: 0, other: 0 };
let phase = "other";

const connect = postgresDialect.connect;
postgresDialect.connect = async (url) => {
  const conn = await connect(url);
  return {
    query(sql, params) {
      counts.total++;
      counts[phase]++;
      return conn.query(sql, params);
    },
    ...(conn.runBatch
      ? {
          runBatch(sqls) {
            counts.total += sqls.length;
            counts[phase] += sqls.length;
            return conn.runBatch(sqls);
          },
        }
      : {}),
    close: () => conn.close(),
  };
};

for (const name of ["introspect", "canonicalize"]) {
  const original = postgresDialect[name];
  postgresDialect[name] = async (...args) => {
    phase = name;
    try {
      return await original(...args);
    } finally {
      phase = "other";
    }
  };
}

const result = await revision({ autogenerate: true, message: "bench query count" });
if (!result.changed) throw new Error("autogenerate found no change; the query count would not be of a real run");
process.stdout.write(JSON.stringify(counts) + "\n");
