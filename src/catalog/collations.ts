/**
 * User collations (PostgreSQL's CREATE COLLATION). A collation is its provider
 * and locale: libc's either one locale or LC_COLLATE and LC_CTYPE apart, ICU's
 * and builtin's one locale (as the database stores it: PostgreSQL 16+ turns
 * ICU locale names into language tags, so pull writes what it stored). The
 * version is the provider library's, set at creation: not modelled (pg_dump
 * leaves it out too).
 */
export type CollationProvider = "libc" | "icu" | "builtin";

export interface Collation {
  schema?: string;
  name: string;
  provider: CollationProvider;
  /** The locale; for libc, when LC_COLLATE and LC_CTYPE are the same. */
  locale?: string;
  /** libc with LC_COLLATE and LC_CTYPE apart (then `locale` is absent). */
  lcCollate?: string;
  lcCtype?: string;
  /** Only `false` is carried: collations are deterministic unless said otherwise. */
  deterministic?: false;
  /** ICU tailoring rules (PostgreSQL 16+). */
  rules?: string;
  comment?: string;
}

/** True when two collations are the same CREATE COLLATION (the comment aside). */
export function sameCollationDefinition(a: Collation, b: Collation): boolean {
  return (
    a.provider === b.provider &&
    (a.locale ?? null) === (b.locale ?? null) &&
    (a.lcCollate ?? null) === (b.lcCollate ?? null) &&
    (a.lcCtype ?? null) === (b.lcCtype ?? null) &&
    (a.deterministic ?? true) === (b.deterministic ?? true) &&
    (a.rules ?? null) === (b.rules ?? null)
  );
}

/** One spelling per definition: a libc collation whose LC_COLLATE and LC_CTYPE agree is its `locale`. */
export function normalizeCollation(c: Collation): Collation {
  const out: Collation = { ...c };
  if (out.lcCollate !== undefined && out.lcCollate === out.lcCtype && out.locale === undefined) {
    out.locale = out.lcCollate;
    delete out.lcCollate;
    delete out.lcCtype;
  }
  if (out.deterministic !== false) delete out.deterministic;
  return out;
}

/**
 * The collation a column, domain or index element names (`app.bytewise`, `C`,
 * `en_US.utf8`), as the Catalog spells it: schema-qualified outside pg_catalog
 * (a name whose dot is a locale's, `en_US.utf8`, is pg_catalog's).
 */
export function collationRef(collation: string): { kind: "collation"; schema?: string; name: string } {
  const qualified = /^([a-z_][a-z0-9_$]*)\.(.+)$/.exec(collation);
  if (qualified && !/^[A-Za-z]{2}_[A-Za-z]{2}$/.test(qualified[1]!)) return { kind: "collation", schema: qualified[1]!, name: qualified[2]! };
  return { kind: "collation", name: collation };
}
