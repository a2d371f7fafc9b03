/**
 * Drizzle schemas as kiln models. A models module may export drizzle-orm
 * objects (`pgTable`, `mysqlTable`, `sqliteTable`, `pgEnum`, `pgSequence`,
 * `pgSchema`, `pgView`) instead of, or next to, kiln/schema tables. They are read through
 * drizzle-orm's public API (getTableConfig of each core), never by parsing the
 * file, into the Catalog drizzle-kit would create (see pg.ts, mysql.ts, sqlite.ts).
 */
import type { Catalog } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import type { DialectName } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import type { Casing } from "./common.js";
import { drizzleKind, isDrizzleObject, loadDrizzle } from "./load.js";
import { readMysql } from "./mysql.js";
import { readPg } from "./pg.js";
import { readSqlite } from "./sqlite.js";

export { drizzleKind, isDrizzleObject };

export interface DrizzleExport {
  value: unknown;
  /** Where it came from, for messages: `export "users" of src/db/schema.ts`. */
  source: string;
}

type Core = "pg" | "mysql" | "sqlite";

const DIALECT_OF_CORE: Record<Core, DialectName> = { pg: "postgresql", mysql: "mysql", sqlite: "sqlite" };

function coreOf(kind: string): Core | undefined {
  if (kind.startsWith("Pg")) return "pg";
  if (kind.startsWith("MySql")) return "mysql";
  if (kind.startsWith("SQLite")) return "sqlite";
  return undefined;
}

export interface DrizzleModels {
  catalog: Catalog;
  /** Objects drizzle-kit would create that kiln does not model: named before acting (warnings). */
  notes: string[];
}

/**
 * The Catalog of the Drizzle exports. `files` are the model files (drizzle-orm
 * is loaded from next to them); `dialect`, when known, is the database's, and a
 * schema written for another database is refused.
 */
export async function readDrizzleModels(exports: DrizzleExport[], files: string[], options: { dialect?: DialectName; casing?: Casing } = {}): Promise<DrizzleModels> {
  const byCore = new Map<Core, DrizzleExport[]>();
  for (const e of exports) {
    const core = coreOf(drizzleKind(e.value) ?? "");
    if (!core) continue;
    if (!byCore.has(core)) byCore.set(core, []);
    byCore.get(core)!.push(e);
  }
  if (byCore.size === 0) return { catalog: { schemas: [], tables: [], enums: [] }, notes: [] };
  if (byCore.size > 1) {
    const which = [...byCore].map(([core, list]) => `${core}-core (${list[0]!.source})`).join(" and ");
    throw new KilnError(`the models mix Drizzle objects for different databases: ${which}; one kiln project migrates one database`);
  }
  const [core, values] = [...byCore][0]!;
  if (options.dialect && DIALECT_OF_CORE[core] !== options.dialect) {
    throw new KilnError(
      `the models are Drizzle ${core}-core objects (${values[0]!.source}), but the database is ${options.dialect}: point the config's url at a ${DIALECT_OF_CORE[core]} database, or use the matching drizzle-orm/*-core tables`,
    );
  }
  const drizzle = await loadDrizzle(files);
  const read = core === "pg" ? readPg(drizzle, values, options.casing) : core === "mysql" ? readMysql(drizzle, values, options.casing) : readSqlite(drizzle, values, options.casing);
  const seen = new Set<string>();
  const byName = <T extends { name?: string }>(a: T, b: T) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0);
  for (const t of read.catalog.tables) {
    t.uniques.sort(byName);
    t.foreignKeys.sort(byName);
    t.checks.sort(byName);
    t.indexes.sort(byName);
    const key = qualifiedName(t);
    if (seen.has(key)) throw new KilnError(`the models export two Drizzle tables named "${key}"`);
    seen.add(key);
  }
  const byQualifiedName = <T extends { schema?: string; name: string }>(a: T, b: T) => (qualifiedName(a) < qualifiedName(b) ? -1 : qualifiedName(a) > qualifiedName(b) ? 1 : 0);
  read.catalog.tables.sort(byQualifiedName);
  read.catalog.enums.sort(byQualifiedName);
  read.catalog.sequences?.sort(byQualifiedName);
  read.catalog.views?.sort(byQualifiedName);
  return read;
}

/** Adds the Drizzle Catalog to the one of kiln's own models; a name both declare is refused. */
export function mergeCatalogs(kiln: Catalog, drizzle: Catalog): Catalog {
  const names = new Set(kiln.tables.map(qualifiedName));
  for (const t of drizzle.tables) {
    if (names.has(qualifiedName(t))) {
      throw new KilnError(`table "${qualifiedName(t)}" is declared twice in the models: once with kiln/schema and once with Drizzle`);
    }
  }
  const enumNames = new Set(kiln.enums.map(qualifiedName));
  const byName = <T extends { schema?: string; name: string }>(a: T, b: T) => (qualifiedName(a) < qualifiedName(b) ? -1 : qualifiedName(a) > qualifiedName(b) ? 1 : 0);
  const sequences = [...(kiln.sequences ?? []), ...(drizzle.sequences ?? [])].sort(byName);
  const views = [...(kiln.views ?? []), ...(drizzle.views ?? [])].sort(byName);
  const policyOrder = (p: { schema?: string; table: string; name: string }) => `${p.schema ?? ""}\u0000${p.table}\u0000${p.name}`;
  const policies = [...(kiln.policies ?? []), ...(drizzle.policies ?? [])].sort((a, b) => (policyOrder(a) < policyOrder(b) ? -1 : policyOrder(a) > policyOrder(b) ? 1 : 0));
  return {
    ...kiln,
    schemas: [...new Set([...kiln.schemas, ...drizzle.schemas])].sort(),
    tables: [...kiln.tables, ...drizzle.tables].sort(byName),
    enums: [...kiln.enums, ...drizzle.enums.filter((e) => !enumNames.has(qualifiedName(e)))].sort(byName),
    ...(sequences.length > 0 ? { sequences } : {}),
    ...(views.length > 0 ? { views } : {}),
    ...(policies.length > 0 ? { policies } : {}),
  };
}
