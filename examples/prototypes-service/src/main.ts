// Starts the service: DATABASE_URL (required), PORT (default 3000; 0 picks a free
// port), HOST (default 127.0.0.1; the container sets 0.0.0.0).
import type { AddressInfo } from "node:net";
import pg from "pg";
import { createDatabase } from "./db/database.js";
import { createApp } from "./http/server.js";
import { createPrototypeRepository } from "./prototypes/repository.js";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL is not set; e.g. DATABASE_URL=postgres://user:password@localhost:5432/prototypes");
  process.exit(1);
}

const pool = new pg.Pool({ connectionString: databaseUrl });
// An idle connection that the server drops must not crash the process; the pool replaces it.
pool.on("error", (error) => console.error("idle database connection failed:", error.message));

const db = createDatabase(pool);
const server = createApp(createPrototypeRepository(db));
const host = process.env.HOST ?? "127.0.0.1";
server.listen(Number(process.env.PORT ?? 3000), host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`prototypes-service listening on http://${host}:${port}`);
});

function shutdown(signal: string): void {
  console.log(`${signal}: closing`);
  // Kysely's destroy() ends the pool.
  server.close(() => void db.destroy());
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
