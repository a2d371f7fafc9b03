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

/** `value` without default-schema names; parts with none are returned as they are (no copy). */
function strip(value: unknown, defaultSchema: string): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = strip(value[i], defaultSchema);
      if (out === undefined && v !== value[i]) out = value.slice(0, i);
      out?.push(v);
    }
    return out ?? value;
  }
  if (value === null || typeof value !== "object") return value;
  // Only plain data: class instances (none today) are kept as they are.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  // The copy is started only at the first change (most objects have none: no garbage for them).
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = record[key];
    const drop = SCHEMA_KEYS.has(key) && v === defaultSchema;
    const stripped = drop ? undefined : strip(v, defaultSchema);
    if (out === undefined && (drop || stripped !== v)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = record[keys[j]!];
    }
    if (out !== undefined && !drop) out[key] = stripped;
  }
  return out ?? value;
}
