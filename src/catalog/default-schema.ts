/**
 * A model may name the database's default schema (`{ schema: "public" }`)
 * where introspection leaves it out (PostgreSQL reads `public.t` as `t`).
 * Both spellings mean one object: this rewrites the models' Catalog into the
 * database's spelling before compare, so that naming "public" is never read
 * as a new schema with new objects (which would drop and recreate tables).
 */
import type { Catalog } from "./types.js";

/** The keys of Catalog objects that name a schema. */
const SCHEMA_KEYS = new Set(["schema", "refSchema"]);

export function withoutDefaultSchema(catalog: Catalog, defaultSchema: string | undefined): Catalog {
  if (defaultSchema === undefined) return catalog;
  const rewritten = strip(catalog, defaultSchema) as Catalog;
  return { ...rewritten, schemas: catalog.schemas.filter((s) => s !== defaultSchema) };
}

function strip(value: unknown, defaultSchema: string): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, defaultSchema));
  if (value === null || typeof value !== "object") return value;
  // Only plain data: class instances (none today) are kept as they are.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SCHEMA_KEYS.has(key) && v === defaultSchema) continue;
    out[key] = strip(v, defaultSchema);
  }
  return out;
}
