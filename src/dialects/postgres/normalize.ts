/**
 * Text rules that turn what PostgreSQL prints (format_type, pg_get_expr,
 * pg_get_constraintdef) into the Catalog's canonical spelling. Pure functions.
 *
 * Introspection of the live database and canonicalization of the models both
 * pass through these same rules, so any spelling they settle on is compared
 * like with like.
 */

/** A piece of SQL text: code, a string literal ('...', E'...') or a quoted identifier ("..."). */
interface Segment {
  kind: "code" | "string" | "ident";
  text: string;
}

/** Split SQL text so that rewrites touch code only, never the inside of literals or quoted names. */
export function splitSqlSegments(sql: string): Segment[] {
  const segments: Segment[] = [];
  let code = "";
  let i = 0;
  const flushCode = () => {
    if (code) segments.push({ kind: "code", text: code });
    code = "";
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      // An E prefix makes backslash an escape character inside the literal.
      const escapes = ch === "'" && /[eE]$/.test(code) && !/[\w$][eE]$/.test(code);
      flushCode();
      let j = i + 1;
      while (j < sql.length) {
        if (escapes && sql[j] === "\\") {
          j += 2;
          continue;
        }
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      segments.push({ kind: ch === "'" ? "string" : "ident", text: sql.slice(i, j + 1) });
      i = j + 1;
    } else {
      code += ch;
      i++;
    }
  }
  flushCode();
  return segments;
}

function rewriteCode(sql: string, rewrite: (code: string) => string): string {
  return splitSqlSegments(sql)
    .map((s) => (s.kind === "code" ? rewrite(s.text) : s.text))
    .join("");
}

/**
 * `now()`, `transaction_timestamp()` and `CURRENT_TIMESTAMP` are the same
 * function; PostgreSQL prints whichever was written. One spelling for all.
 */
export function unifyCurrentTimestamp(sql: string): string {
  return rewriteCode(sql, (code) =>
    code
      .replace(/(?<![\w$."])(?:pg_catalog\.)?(?:now|transaction_timestamp)\(\s*\)/gi, "CURRENT_TIMESTAMP")
      .replace(/(?<![\w$."])current_timestamp(?![\w$]|\s*\()/gi, "CURRENT_TIMESTAMP"),
  );
}

/** True when the parenthesis at index 0 closes at the very end (outside literals). */
function enclosedInParens(sql: string): boolean {
  if (!sql.startsWith("(") || !sql.endsWith(")")) return false;
  let depth = 0;
  let offset = 0;
  for (const segment of splitSqlSegments(sql)) {
    if (segment.kind === "code") {
      for (let k = 0; k < segment.text.length; k++) {
        const ch = segment.text[k];
        if (ch === "(") depth++;
        else if (ch === ")") {
          depth--;
          if (depth === 0 && offset + k !== sql.length - 1) return false;
        }
      }
    }
    offset += segment.text.length;
  }
  return depth === 0;
}

/** Remove the parentheses that wrap the whole expression: `((a > 0))` -> `a > 0`. */
export function stripEnclosingParens(sql: string): string {
  let text = sql.trim();
  while (enclosedInParens(text)) text = text.slice(1, -1).trim();
  return text;
}

/** An expression PostgreSQL printed (index element, partial index predicate), in canonical form. */
export function normalizeExpression(sql: string): string {
  return unifyCurrentTimestamp(stripEnclosingParens(sql));
}

/**
 * `CHECK ((a > 0)) NOT VALID` (pg_get_constraintdef) -> `a > 0`: the expression
 * as PostgreSQL prints it, without the parentheses it does not keep.
 */
export function checkDefinitionText(definition: string, rewrite: (expression: string) => string = stripEnclosingParens): string {
  let body = definition.trim();
  body = body.replace(/\s+NOT VALID$/i, "");
  const noInherit = /\s+NO INHERIT$/i.test(body);
  body = body.replace(/\s+NO INHERIT$/i, "");
  body = rewrite(body.replace(/^CHECK\s*(?=\()/i, ""));
  return noInherit ? `${body} NO INHERIT` : body;
}

/** A check definition in canonical form (for comparison): `CHECK ((created < now()))` -> `created < CURRENT_TIMESTAMP`. */
export function normalizeCheckDefinition(definition: string): string {
  return checkDefinitionText(definition, normalizeExpression);
}

/** `character varying(200)` -> `character varying`, `numeric(10,2)[]` -> `numeric[]`. */
function withoutTypmod(type: string): string {
  return type.replace(/\([^)]*\)/g, "").replace(/\s+/g, " ").trim();
}

/**
 * A column default as pg_get_expr prints it, in canonical form. A literal cast
 * to the column's own type is redundant and dropped (`'draft'::status` ->
 * `'draft'`, `'a'::character varying` on a varchar(20) column -> `'a'`).
 * `columnType` is the column type as format_type prints it.
 */
export function normalizeDefault(expression: string, columnType: string): string {
  const text = expression.trim();
  const literalCast = /^('(?:[^']|'')*'|NULL)::(.+)$/s.exec(text);
  if (literalCast) {
    const castType = literalCast[2]!.trim();
    if (castType === columnType || withoutTypmod(castType) === withoutTypmod(columnType)) {
      return literalCast[1]!;
    }
  }
  return unifyCurrentTimestamp(text);
}

/**
 * A type as format_type prints it, in kiln's neutral vocabulary
 * (`character varying(200)` -> `varchar(200)`, `timestamp with time zone` -> `timestamptz`).
 * Types outside the vocabulary pass through as PostgreSQL spells them.
 */
export function neutralTypeName(formatted: string): string {
  const arrayMatch = /^(.*?)((?:\[\])*)$/s.exec(formatted.trim())!;
  const base = arrayMatch[1]!;
  const brackets = arrayMatch[2]!;
  return neutralScalarType(base) + brackets;
}

function neutralScalarType(base: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^character varying(\(\d+\))?$/.exec(base))) return `varchar${m[1] ?? ""}`;
  if ((m = /^character(\(\d+\))?$/.exec(base))) return `char${m[1] ?? "(1)"}`;
  if (base === "bpchar") return "char";
  if ((m = /^numeric\((\d+),0\)$/.exec(base))) return `numeric(${m[1]})`;
  if ((m = /^timestamp(\(\d+\))? without time zone$/.exec(base))) return `timestamp${m[1] ?? ""}`;
  if ((m = /^timestamp(\(\d+\))? with time zone$/.exec(base))) return `timestamptz${m[1] ?? ""}`;
  if ((m = /^time(\(\d+\))? without time zone$/.exec(base))) return `time${m[1] ?? ""}`;
  if ((m = /^time(\(\d+\))? with time zone$/.exec(base))) return `timetz${m[1] ?? ""}`;
  return base;
}
