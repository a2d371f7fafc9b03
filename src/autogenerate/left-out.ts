/**
 * Objects the models declare that the database cannot hold (a view, function
 * or trigger in models pointed at SQLite; a sequence on MySQL): the dialect's
 * canonicalize leaves them out of the models it compares, and the revision then
 * says nothing of them. Exact or loud: each one is named here, before a
 * revision is written. Pure: compares the models before and after canonicalize.
 */
import type { Catalog } from "../catalog/types.js";

/** Catalog lists that are not object kinds of their own (or are rewritten, not lost: SQLite's enums become CHECKs). */
const NOT_KINDS = new Set(["schemas", "tables", "enums", "dependencies"]);

/** How a warning calls each kind (the Catalog's list name when absent). */
const KIND_NAMES: Record<string, string> = {
  sequences: "sequence",
  domains: "domain",
  collations: "collation",
  compositeTypes: "composite type",
  extensions: "extension",
  views: "view",
  policies: "policy",
  grants: "grant",
  routines: "function",
  aggregates: "aggregate",
  triggers: "trigger",
  operators: "operator",
};

export function modelObjectsLeftOut(model: Catalog, canonical: Catalog, database: string): string[] {
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(model)) {
    if (NOT_KINDS.has(key) || !Array.isArray(value) || value.length === 0) continue;
    const kept = (canonical as unknown as Record<string, unknown>)[key];
    const keptNames = new Set(Array.isArray(kept) ? kept.map(describe) : []);
    const lost = value.map(describe).filter((name) => !keptNames.has(name));
    if (lost.length === 0) continue;
    const kind = KIND_NAMES[key] ?? key;
    warnings.push(
      `the models declare ${lost.length === 1 ? `${kind} ${lost[0]}` : `${lost.length} ${kind}s (${lost.join(", ")})`}, which ${database} does not have: ` +
        `kiln leaves ${lost.length === 1 ? "it" : "them"} out of the comparison and the revision`,
    );
  }
  return warnings;
}

function describe(item: unknown): string {
  if (item === null || typeof item !== "object") return String(item);
  const { schema, table, name } = item as { schema?: unknown; table?: unknown; name?: unknown };
  const parts = [schema, typeof table === "string" ? table : undefined, name].filter((p): p is string => typeof p === "string");
  return parts.length > 0 ? parts.join(".") : JSON.stringify(item);
}
