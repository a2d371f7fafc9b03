/**
 * The bodies of an imported revision: the original statements as
 * `op.execute(...)` calls under a comment naming the file, and the downgrade
 * (derived operations, or the tool's undo script) with `// WARNING:` lines for
 * what it does not undo. Pure.
 */
import { renderOperations } from "../autogenerate/render.js";
import { codeLineComment } from "../neutralize.js";
import { parseAddEnumValue, splitLeadingComments } from "./parse.js";
import type { ReplayedMigration } from "./replay.js";
import type { ImportSourceKind } from "./types.js";

const TOOL: Record<ImportSourceKind, string> = { drizzle: "drizzle-kit", prisma: "Prisma Migrate", flyway: "Flyway", sql: "a SQL file" };

const UNSAFE = /[\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A string (one line) as a TypeScript literal: single quotes when that spares
 * escaping double quotes (SQL identifiers), a template literal when the text has
 * both kinds of quotes, else JSON's; control and bidi characters as escapes, so
 * the file shows exactly what runs.
 */
export function stringLiteral(text: string): string {
  const json = JSON.stringify(text).replace(UNSAFE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
  if (!text.includes('"')) return json;
  const inner = json.slice(1, -1).replace(/\\"/g, '"');
  if (!text.includes("'")) return `'${inner}'`;
  if (text.includes("\n")) return json;
  return `\`${inner.replace(/`/g, "\\`").replace(/\$\{/g, "\\${")}\``;
}

/**
 * A statement as TypeScript: one literal for one line, else its lines joined
 * with "\n" (the revision's indentation cannot leak into the SQL, as it would
 * in a template literal).
 */
export function sqlLiteral(sql: string): string {
  const lines = sql.split("\n");
  if (lines.length === 1) return stringLiteral(sql);
  return `[\n${lines.map((line) => `  ${stringLiteral(line)},`).join("\n")}\n].join("\\n")`;
}

function execute(sql: string): string {
  return `await op.execute(${sqlLiteral(sql)});`;
}

/** A statement of the upgrade: an operation where kiln runs it better that way (parse.ts), else `op.execute`. */
function upgradeStep(sql: string): string {
  const op = parseAddEnumValue(sql);
  if (!op) return execute(sql);
  return [...splitLeadingComments(sql).comments.map((c) => comment("", c)), renderOperations([op])].join("\n");
}

function comment(kind: string, text: string): string {
  return `// ${kind}${codeLineComment(text)}`;
}

export interface ImportedBodies {
  upgrade: string;
  downgrade: string;
}

export function renderImportedBodies(kind: ImportSourceKind, replayed: ReplayedMigration): ImportedBodies {
  const { migration, downgrade } = replayed;
  const upgrade = [
    comment("", `imported from ${TOOL[kind]}: ${migration.file} (${migration.statements.length} statement${migration.statements.length === 1 ? "" : "s"})`),
    ...(migration.skipped ?? []).map((s) => comment("NOTE: ", `left out ${JSON.stringify(s.statement)}: ${s.reason}`)),
    ...migration.statements.map(upgradeStep),
  ];
  const lines: string[] = [];
  if (downgrade.source === "undo") {
    lines.push(comment("", `the undo script ${migration.undo!.file} shipped with the history`));
    lines.push(...downgrade.statements.map(execute));
  } else {
    lines.push(comment("", `derived by kiln from the schema before and after ${migration.file}`));
  }
  lines.push(...downgrade.notes.map((note) => comment("WARNING: ", note)));
  if (downgrade.source === "derived") {
    const body = renderOperations(downgrade.operations);
    if (body.trim() !== "") lines.push(body);
    else lines.push(comment("", "the schema did not change: nothing to undo"));
  }
  return { upgrade: upgrade.join("\n"), downgrade: lines.join("\n") };
}
