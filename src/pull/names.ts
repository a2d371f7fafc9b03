/**
 * TypeScript names for pulled models: export names for tables and types,
 * property keys for columns. Pure and deterministic: the same Catalog always
 * gives the same names.
 */

/** Words JavaScript refuses as a `const` name (and a few that would read badly). */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package " +
    "private protected public await arguments eval undefined NaN Infinity"
  ).split(" "),
);

/** Table object keys the DSL keeps for itself (see schema/table.ts). */
const RESERVED_PROPERTY = new Set(["columns"]);

// ASCII only: kiln's fast module loader (revisions/direct-import.ts) reads ASCII export names.
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text) && !RESERVED.has(text);
}

/**
 * `rental_id` -> `rentalId`, `AlbumId` -> `albumId`, `UPPER_NAME` -> `upperName`,
 * `BusinessEntityID` -> `businessEntityId`; anything that is not a letter or digit separates words.
 */
const camelCache = new Map<string, string>();

export function camelCase(name: string): string {
  let cached = camelCache.get(name);
  if (cached === undefined) {
    cached = toCamelCase(name);
    if (camelCache.size < 100_000) camelCache.set(name, cached);
  }
  return cached;
}

function toCamelCase(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x00-\x7f]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const text = words.map((word, i) => (i === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase())).join("");
  if (text === "") return "";
  return /^[0-9]/.test(text) ? `_${text}` : text;
}

/** Hands out unique names in one namespace. */
export class NameScope {
  readonly #taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.#taken = new Set(taken);
  }

  /** The first free name of the candidates (each made valid), else the last one with a number. */
  claim(candidates: string[], fallback: string): string {
    const valid = candidates.map((c) => (isIdentifier(c) ? c : c !== "" && IDENTIFIER.test(c) ? `${c}_` : "")).filter(Boolean);
    for (const name of valid) {
      if (!this.#taken.has(name)) {
        this.#taken.add(name);
        return name;
      }
    }
    const stem = valid[valid.length - 1] ?? fallback;
    for (let n = 2; ; n++) {
      const name = `${stem}${n}`;
      if (!this.#taken.has(name)) {
        this.#taken.add(name);
        return name;
      }
    }
  }
}

/** Property keys for a table's columns, in column order: camelCase where it is free, the column name kept otherwise. */
export function propertyKeys(columns: readonly string[]): string[] {
  const scope = new NameScope([...RESERVED_PROPERTY]);
  return columns.map((column) => {
    const camel = camelCase(column);
    const candidates = [camel, column].filter((c) => c !== "" && !c.startsWith("$")).map((c) => (RESERVED_PROPERTY.has(c) ? `${c}_` : c));
    return scope.claim(candidates, "column");
  });
}

/** `t.key`, or `t["key"]` when the key is not an identifier. */
export function member(object: string, key: string): string {
  return IDENTIFIER.test(key) ? `${object}.${key}` : `${object}[${JSON.stringify(key)}]`;
}
