/**
 * Finding Drizzle objects among a models module's exports, and loading
 * drizzle-orm (an optional peer dependency) only when there are some.
 *
 * Recognizing an object needs no drizzle-orm: every Drizzle entity's class
 * carries `Symbol.for("drizzle:entityKind")`, and a `pgEnum(...)` result (a
 * function) carries `Symbol.for("drizzle:isPgEnum")`. drizzle-orm itself is
 * resolved from the models file's folder first (the copy the models use), then
 * from kiln's.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { KilnError } from "../errors.js";

const ENTITY_KIND = Symbol.for("drizzle:entityKind");
const IS_PG_ENUM = Symbol.for("drizzle:isPgEnum");

/** The entity kind of a Drizzle object (`PgTable`, `MySqlTable`, `PgSequence`, ...), or undefined for anything else. */
export function drizzleKind(value: unknown): string | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  if (typeof value === "function" && (value as unknown as Record<symbol, unknown>)[IS_PG_ENUM] === true) return "PgEnum";
  // Through the prototype: a view is a Proxy whose property reads go to its selected fields.
  const ctor = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor as Record<symbol, unknown> | undefined;
  if (typeof value === "object" && ctor && typeof ctor[ENTITY_KIND] === "string") return ctor[ENTITY_KIND] as string;
  return undefined;
}

export function isDrizzleObject(value: unknown): boolean {
  return drizzleKind(value) !== undefined;
}

/** The drizzle-orm modules the readers use (typed loosely: kiln does not compile against drizzle-orm). */
export interface DrizzleModules {
  orm: any;
  pg: any;
  mysql: any;
  sqlite: any;
}

async function importFrom(specifier: string, from: string[]): Promise<any> {
  for (const base of from) {
    try {
      const resolved = createRequire(base).resolve(specifier);
      return await import(pathToFileURL(resolved).href);
    } catch {
      // try the next place
    }
  }
  return await import(specifier);
}

/** Loads drizzle-orm and its three cores, looking next to `modelFiles` first. */
export async function loadDrizzle(modelFiles: string[]): Promise<DrizzleModules> {
  const from = [...modelFiles, import.meta.url];
  try {
    const [orm, pg, mysql, sqlite] = await Promise.all([
      importFrom("drizzle-orm", from),
      importFrom("drizzle-orm/pg-core", from),
      importFrom("drizzle-orm/mysql-core", from),
      importFrom("drizzle-orm/sqlite-core", from),
    ]);
    return { orm, pg, mysql, sqlite };
  } catch (error) {
    throw new KilnError(`the models export Drizzle tables, and kiln reads them with drizzle-orm, which it cannot load: npm install drizzle-orm`, {
      cause: error,
    });
  }
}
