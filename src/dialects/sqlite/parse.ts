/**
 * Reads the parts of CREATE TABLE / CREATE INDEX text that SQLite's pragmas do not
 * report: constraint names, CHECK expressions, AUTOINCREMENT, table options
 * (WITHOUT ROWID, STRICT), index expressions and partial-index predicates.
 */
import { identifierName, isKeyword, matchingParen, sourceText, splitTopLevel, tokenize, type Token } from "./tokens.js";

export type ParsedConstraint =
  | { kind: "primary"; name?: string; columns: string[] }
  | { kind: "unique"; name?: string; columns: string[] }
  | { kind: "check"; name?: string; expression: string }
  | { kind: "foreignkey"; name?: string; columns: string[]; refTable: string };

export interface ParsedTable {
  /** Column names in order, with AUTOINCREMENT, COLLATE and GENERATED ALWAYS AS noted. */
  columns: ParsedColumn[];
  /** Column-level and table-level constraints, in order of appearance. */
  constraints: ParsedConstraint[];
  /** Text after the closing parenthesis, e.g. `WITHOUT ROWID, STRICT` ("" when none). */
  options: string;
}

export interface ParsedColumn {
  name: string;
  autoIncrement: boolean;
  collation?: string;
  generated?: { expression: string; stored: boolean };
}

/** COLLATE and GENERATED ALWAYS AS (...) [STORED|VIRTUAL] of one column definition (tokens after the name). */
function columnExtras(sql: string, part: Token[]): Pick<ParsedColumn, "collation" | "generated"> {
  const extras: Pick<ParsedColumn, "collation" | "generated"> = {};
  for (let i = 0; i < part.length; i++) {
    const t = part[i]!;
    if (t.kind === "punct" && t.text === "(") {
      i = matchingParen(part, i);
    } else if (isKeyword(t, "COLLATE") && isName(part[i + 1])) {
      extras.collation = identifierName(part[i + 1]!);
      i++;
    } else if (isKeyword(t, "AS") && part[i + 1]?.text === "(") {
      const close = matchingParen(part, i + 1);
      extras.generated = { expression: sourceText(sql, part.slice(i + 2, close)).trim(), stored: isKeyword(part[close + 1], "STORED") };
      i = close;
    }
  }
  return extras;
}

export interface ParsedIndex {
  unique: boolean;
  /** Each element as written; `column` set when the element is a lone identifier. */
  elements: { text: string; column?: string }[];
  where?: string;
}

const CONSTRAINT_STARTS = new Set(["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]);

function isName(token: Token | undefined): token is Token {
  return token !== undefined && (token.kind === "word" || token.kind === "quoted" || token.kind === "string");
}

/** Names listed in a parenthesized column list starting at tokens[open] == "(". */
function nameList(tokens: Token[], open: number): { names: string[]; close: number } {
  const close = matchingParen(tokens, open);
  const names = splitTopLevel(tokens, open + 1, close)
    .map((part) => part[0])
    .filter(isName)
    .map(identifierName);
  return { names, close };
}

function firstParen(tokens: Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) if (tokens[i]!.text === "(" && tokens[i]!.kind === "punct") return i;
  return -1;
}

/** Constraints in one column definition or one table constraint. */
function readConstraints(sql: string, part: Token[], columnName: string | undefined): ParsedConstraint[] {
  const found: ParsedConstraint[] = [];
  let pendingName: string | undefined;
  for (let i = 0; i < part.length; i++) {
    const t = part[i]!;
    if (isKeyword(t, "CONSTRAINT") && isName(part[i + 1])) {
      pendingName = identifierName(part[i + 1]!);
      i++;
      continue;
    }
    const named = pendingName !== undefined ? { name: pendingName } : {};
    if (isKeyword(t, "PRIMARY") && isKeyword(part[i + 1], "KEY")) {
      if (columnName !== undefined) found.push({ kind: "primary", ...named, columns: [columnName] });
      else {
        const open = firstParen(part, i);
        const { names, close } = nameList(part, open);
        found.push({ kind: "primary", ...named, columns: names });
        i = close;
      }
      pendingName = undefined;
    } else if (isKeyword(t, "UNIQUE")) {
      if (columnName !== undefined) found.push({ kind: "unique", ...named, columns: [columnName] });
      else {
        const { names, close } = nameList(part, firstParen(part, i));
        found.push({ kind: "unique", ...named, columns: names });
        i = close;
      }
      pendingName = undefined;
    } else if (isKeyword(t, "CHECK") && part[i + 1]?.text === "(") {
      const close = matchingParen(part, i + 1);
      found.push({ kind: "check", ...named, expression: sourceText(sql, part.slice(i + 2, close)).trim() });
      i = close;
      pendingName = undefined;
    } else if (isKeyword(t, "FOREIGN") && isKeyword(part[i + 1], "KEY")) {
      const { names, close } = nameList(part, firstParen(part, i));
      const ref = part[close + 2];
      if (isKeyword(part[close + 1], "REFERENCES") && isName(ref)) {
        found.push({ kind: "foreignkey", ...named, columns: names, refTable: identifierName(ref) });
      }
      i = close + 2;
      pendingName = undefined;
    } else if (isKeyword(t, "REFERENCES") && columnName !== undefined && isName(part[i + 1])) {
      found.push({ kind: "foreignkey", ...named, columns: [columnName], refTable: identifierName(part[i + 1]!) });
      i++;
      pendingName = undefined;
    } else if (t.kind === "punct" && t.text === "(") {
      // Skip over type arguments, DEFAULT (expr), COLLATE etc. without misreading their contents.
      i = matchingParen(part, i);
    }
  }
  return found;
}

/** Parse a CREATE TABLE statement as stored in sqlite_schema. */
export function parseCreateTable(sql: string): ParsedTable {
  const tokens = tokenize(sql);
  const open = firstParen(tokens, 0);
  if (open === -1) return { columns: [], constraints: [], options: "" };
  const close = matchingParen(tokens, open);
  const columns: ParsedTable["columns"] = [];
  const constraints: ParsedConstraint[] = [];
  for (const part of splitTopLevel(tokens, open + 1, close)) {
    const head = part[0];
    if (!head) continue;
    const isTableConstraint = head.kind === "word" && CONSTRAINT_STARTS.has(head.value.toUpperCase());
    if (isTableConstraint) {
      constraints.push(...readConstraints(sql, part, undefined));
    } else {
      const name = identifierName(head);
      columns.push({ name, autoIncrement: part.some((t) => isKeyword(t, "AUTOINCREMENT")), ...columnExtras(sql, part.slice(1)) });
      constraints.push(...readConstraints(sql, part.slice(1), name));
    }
  }
  return { columns, constraints, options: sql.slice(tokens[close]!.end).trim() };
}

/** Parse a CREATE [UNIQUE] INDEX statement as stored in sqlite_schema. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const tokens = tokenize(sql);
  const unique = isKeyword(tokens[1], "UNIQUE");
  const open = firstParen(tokens, 0);
  const close = matchingParen(tokens, open);
  const elements = splitTopLevel(tokens, open + 1, close).map((part) => {
    const text = sourceText(sql, part).trim();
    return part.length === 1 && (part[0]!.kind === "word" || part[0]!.kind === "quoted")
      ? { text, column: identifierName(part[0]!) }
      : { text };
  });
  const whereAt = tokens.findIndex((t, i) => i > close && isKeyword(t, "WHERE"));
  const parsed: ParsedIndex = { unique, elements };
  if (whereAt !== -1) parsed.where = sql.slice(tokens[whereAt]!.end).trim().replace(/;$/, "").trim();
  return parsed;
}

/** One column definition or table constraint of a CREATE TABLE, with the text around it. */
export interface TablePart {
  /** The definition as written, first token to last. */
  text: string;
  /** Text between the preceding `(` or `,` and the definition (line breaks, indentation, comments). */
  lead: string;
  /** Text between the definition and the following `,` or `)`. */
  trail: string;
  /** The column it defines; undefined for a table constraint. */
  column?: string;
  /** The constraints it declares (a column's inline ones, or the table constraint). */
  constraints: ParsedConstraint[];
}

/** A CREATE TABLE statement cut into its definitions, so that a rebuild can keep every untouched one word for word. */
export interface TableText {
  /** From `CREATE` to the opening parenthesis, inclusive. */
  head: string;
  parts: TablePart[];
  /** From the closing parenthesis on (`)`, then WITHOUT ROWID / STRICT as written). */
  tail: string;
}

export function splitCreateTable(sql: string): TableText | undefined {
  const tokens = tokenize(sql);
  const open = firstParen(tokens, 0);
  if (open === -1) return undefined;
  const close = matchingParen(tokens, open);
  const parts: TablePart[] = [];
  let delimiterEnd = tokens[open]!.end;
  let i = open + 1;
  for (const partTokens of splitTopLevel(tokens, open + 1, close)) {
    i += partTokens.length;
    const next = tokens[i]!; // the `,` after this part, or the closing `)`
    i++;
    const head = partTokens[0];
    if (!head) continue;
    const text = sourceText(sql, partTokens);
    const lead = sql.slice(delimiterEnd, head.start);
    const trail = sql.slice(partTokens[partTokens.length - 1]!.end, next.start);
    delimiterEnd = next.end;
    const isTableConstraint = head.kind === "word" && CONSTRAINT_STARTS.has(head.value.toUpperCase());
    if (isTableConstraint) parts.push({ text, lead, trail, constraints: readConstraints(sql, partTokens, undefined) });
    else {
      const column = identifierName(head);
      parts.push({ text, lead, trail, column, constraints: readConstraints(sql, partTokens.slice(1), column) });
    }
  }
  return { head: sql.slice(0, tokens[open]!.end), parts, tail: sql.slice(tokens[close]!.start) };
}

/** The name a CREATE TABLE/INDEX/TRIGGER/VIEW statement gives its object, and where that name starts. */
export function createdName(sql: string): { name: string; start: number } | undefined {
  const tokens = tokenize(sql);
  const at = tokens.findIndex((t, i) => i < 4 && ["TABLE", "INDEX", "TRIGGER", "VIEW"].some((k) => isKeyword(t, k)));
  if (at === -1) return undefined;
  let i = at + 1;
  if (isKeyword(tokens[i], "IF") && isKeyword(tokens[i + 1], "NOT") && isKeyword(tokens[i + 2], "EXISTS")) i += 3;
  const token = tokens[i];
  if (!isName(token)) return undefined;
  // `schema.name`: the name is the part after the dot.
  if (tokens[i + 1]?.text === "." && isName(tokens[i + 2])) return { name: identifierName(tokens[i + 2]!), start: tokens[i]!.start };
  return { name: identifierName(token), start: token.start };
}

/** The statement with its object's name qualified by `schema` (sqlite_schema keeps it unqualified), or undefined if it cannot tell the name. */
export function qualifyCreate(sql: string, schema: string, quote: (name: string) => string): string | undefined {
  const found = createdName(sql);
  if (!found) return undefined;
  return `${sql.slice(0, found.start)}${quote(schema)}.${sql.slice(found.start)}`;
}
