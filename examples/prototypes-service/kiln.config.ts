import { defineConfig } from "kiln-migrate";

// No `url` here: kiln reads DATABASE_URL, the same variable the service reads,
// so the app and its migrations always talk to the same database
// (docker-compose.yml sets it for the app container).
export default defineConfig({
  migrations: "migrations",
  models: "src/db/schema.ts",
});
