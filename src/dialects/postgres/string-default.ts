/**
 * `kiln pull` writes a column default PostgreSQL prints as `'active'::character varying`
 * as `.default("active")` (Dialect.stringDefault): the model's `'active'` is
 * stored by PostgreSQL as that very text again, for the column's own type. Only
 * the cast PostgreSQL itself adds to a plain literal of the column's type is
 * taken (`'x'::text` on a varchar column is not: it was written with a cast).
 */
const LITERAL_WITH_CAST = /^'((?:[^']|'')*)'::(.+)$/s;

/** The cast PostgreSQL prints on a plain string literal default of a column of `type` (the Catalog's spelling). */
function castOf(type: string): string {
  if (/^varchar(\(\d+\))?$/.test(type)) return "character varying";
  if (/^char(\(\d+\))?$/.test(type)) return "bpchar";
  return type;
}

/** The string a default's text is the plain literal of, for a column of `type`; undefined when it is anything else. */
export function postgresStringDefault(text: string, type: string): string | undefined {
  const m = LITERAL_WITH_CAST.exec(text);
  if (!m || m[2] !== castOf(type)) return undefined;
  return m[1]!.replace(/''/g, "'");
}
