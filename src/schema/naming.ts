/**
 * Naming conventions: names for constraints and indexes the models leave unnamed.
 *
 * Templates (see NamingConvention in config/types.ts) may use:
 *   %(table)s                  the table name
 *   %(column_0)s               the first column
 *   %(column_0_N)s             all columns joined by "_"   (%(column_0N)s: joined with nothing)
 *   %(column_0_and_N)s         all columns joined by "_and_" (Rails' index names: index_posts_on_user_id_and_created_at)
 *   %(rails_fk_hash)s          foreign keys on one column: the 10 hex digits Rails names them by
 *                              (fk_rails_%(rails_fk_hash)s: SHA-256 of "<table>_<column>_fk")
 *   %(referred_table)s         foreign keys: the referenced table
 *   %(referred_column_0)s, %(referred_column_0_N)s   foreign keys: referenced columns
 *   %(constraint_name)s        checks: a short hash of the expression (see below)
 * (`%(column_0_name)s`, `%(column_0_N_name)s`, `%(referred_column_0_name)s` and
 * `%(table_name)s` are accepted as Alembic-style aliases.)
 *
 * Rules:
 * - An explicit name always wins and is used exactly as written (a check
 *   declared as check("check_id_positive", ...) is named check_id_positive).
 * - An unnamed check has no name of its own, so %(constraint_name)s stands for
 *   an 8-hex-digit hash of its expression text: deterministic, independent of
 *   declaration order. Its columns are the columns interpolated into the
 *   expression; with none, the hash stands in for them too.
 * - An expression element of an index appears as `expr_` plus a 6-hex-digit
 *   hash of the expression, so two expression indexes on one table differ.
 * - Generated names longer than the database's limit (Dialect.identifierLimit:
 *   PostgreSQL 63 bytes, MySQL 64 characters, SQLite none) are cut and end in `_`
 *   plus an 8-hex-digit hash of the full name, so they stay unique and stable.
 */
import { createHash } from "node:crypto";
import type { NamingConvention } from "../config/types.js";
import { fitsLimit, identifierLength } from "../dialects/identifier-limit.js";
import type { IdentifierLimit } from "../dialects/types.js";
import { KilnError } from "../errors.js";

export type NamingKind = keyof NamingConvention;

export const DEFAULT_NAMING: Readonly<Required<NamingConvention>> = Object.freeze({
  pk: "pk_%(table)s",
  fk: "fk_%(table)s_%(column_0_N)s_%(referred_table)s",
  uq: "uq_%(table)s_%(column_0_N)s",
  ck: "ck_%(table)s_%(constraint_name)s",
  ix: "ix_%(table)s_%(column_0_N)s",
});

/** PostgreSQL keeps at most this many bytes of an identifier. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * The strictest limit of the supported databases (PostgreSQL's 63 bytes fits
 * MySQL's 64 characters too), for callers that do not say which database.
 */
export const STRICTEST_IDENTIFIER_LIMIT: IdentifierLimit = { max: MAX_IDENTIFIER_BYTES, unit: "bytes", database: "PostgreSQL" };

const KINDS: readonly NamingKind[] = ["pk", "fk", "uq", "ck", "ix"];

/** The user's templates over the defaults; unknown keys and non-string templates are refused. */
export function resolveNaming(naming: NamingConvention = {}): Required<NamingConvention> {
  for (const [key, value] of Object.entries(naming)) {
    if (!KINDS.includes(key as NamingKind)) {
      throw new KilnError(`naming.${key}: unknown naming convention key. Known keys: ${KINDS.join(", ")}.`);
    }
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new KilnError(`naming.${key} must be a non-empty template string such as "${DEFAULT_NAMING[key as NamingKind]}".`);
    }
  }
  const resolved = { ...DEFAULT_NAMING };
  for (const kind of KINDS) {
    const template = naming[kind];
    if (template !== undefined) resolved[kind] = template;
  }
  return resolved;
}

export function shortHash(text: string, hexDigits = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, hexDigits);
}

/** Cut a name to the limit (null: none), ending it with a hash of the whole name when cut. */
export function truncateIdentifier(name: string, limit: IdentifierLimit | null = STRICTEST_IDENTIFIER_LIMIT): string {
  if (limit === null || fitsLimit(limit, name)) return name;
  const suffix = `_${shortHash(name)}`;
  let prefix = "";
  let used = 0;
  for (const char of name) {
    const size = identifierLength(limit, char);
    if (used + size > limit.max - suffix.length) break;
    prefix += char;
    used += size;
  }
  return prefix.replace(/_+$/, "") + suffix;
}

/** The name of an index element that is an expression rather than a column. */
export function expressionToken(expression: string): string {
  return `expr_${shortHash(expression, 6)}`;
}

export interface NameParts {
  table: string;
  /** Column names, or expression tokens for index expressions. */
  columns: string[];
  referredTable?: string;
  referredColumns?: string[];
  constraintName?: string;
}

function tokenValue(token: string, parts: NameParts): string | undefined {
  const referred = parts.referredColumns;
  switch (token) {
    case "table":
    case "table_name":
      return parts.table;
    case "column_0":
    case "column_0_name":
      return parts.columns[0];
    case "column_0_N":
    case "column_0_N_name":
      return parts.columns.length > 0 ? parts.columns.join("_") : undefined;
    case "column_0N":
    case "column_0N_name":
      return parts.columns.length > 0 ? parts.columns.join("") : undefined;
    case "column_0_and_N":
      return parts.columns.length > 0 ? parts.columns.join("_and_") : undefined;
    case "rails_fk_hash":
      // Rails' add_foreign_key: "fk_rails_" + the first 10 hex digits of SHA-256("#{table}_#{column}_fk").
      return parts.referredTable !== undefined && parts.columns.length === 1 ? shortHash(`${parts.table}_${parts.columns[0]}_fk`, 10) : undefined;
    case "referred_table":
    case "referred_table_name":
      return parts.referredTable;
    case "referred_column_0":
    case "referred_column_0_name":
      return referred?.[0];
    case "referred_column_0_N":
    case "referred_column_0_N_name":
      return referred && referred.length > 0 ? referred.join("_") : undefined;
    case "constraint_name":
      return parts.constraintName;
    default:
      throw new KilnError(
        `naming template token %(${token})s is unknown. Known tokens: table, column_0, column_0_N, column_0N, column_0_and_N, rails_fk_hash, referred_table, referred_column_0, referred_column_0_N, constraint_name.`,
      );
  }
}

/** Fill a template; the result is cut to the limit (null: none) with a hash suffix when longer. */
export function applyNamingTemplate(kind: NamingKind, template: string, parts: NameParts, limit: IdentifierLimit | null = STRICTEST_IDENTIFIER_LIMIT): string {
  const name = template.replace(/%\((\w+)\)s/g, (_, token: string) => {
    const value = tokenValue(token, parts);
    if (value === undefined) {
      throw new KilnError(
        `naming.${kind} template "${template}" uses %(${token})s, which has no value for a ${describeKind(kind)} on table "${parts.table}". ` +
          "Use tokens that this kind of object has, or give the object an explicit name.",
      );
    }
    return value;
  });
  if (name.includes("%(")) {
    throw new KilnError(`naming.${kind} template "${template}" has a malformed token; write tokens as %(name)s.`);
  }
  return truncateIdentifier(name, limit);
}

function describeKind(kind: NamingKind): string {
  return { pk: "primary key", fk: "foreign key", uq: "unique constraint", ck: "check constraint", ix: "index" }[kind];
}
