/** New revision files: ids, file names, the module text, and writing it without clobbering. */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KilnError } from "../errors.js";
import { codeBlockCommentLines } from "../neutralize.js";

/** 12 random lowercase hex characters. */
export function newRevisionId(): string {
  return randomBytes(6).toString("hex");
}

const SLUG_MAX = 40;

/** `YYYYMMDD_HHMMSS_<id>_<slug>.ts` in UTC, so files sort by creation time. */
export function revisionFileName(id: string, message: string, now: Date): string {
  const slug = slugify(message);
  return `${compactTimestamp(now)}_${id}${slug ? `_${slug}` : ""}.ts`;
}

/** Lowercase ASCII words joined by `_`, at most 40 characters, cut at a word boundary when possible. */
export function slugify(message: string): string {
  const words = message
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = "";
  for (const word of words) {
    const next = slug ? `${slug}_${word}` : word;
    if (next.length > SLUG_MAX) {
      if (!slug) slug = word.slice(0, SLUG_MAX);
      break;
    }
    slug = next;
  }
  return slug;
}

export interface RevisionFileFields {
  revision: string;
  downRevision: string | string[] | null;
  message: string;
  branchLabels?: string[];
  dependsOn?: string[];
  /** `false` writes `transactional: false` (statements that cannot run in a transaction). */
  transactional?: boolean;
  /** Statements of `upgrade`, one per line, unindented (may be empty). */
  upgradeBody: string;
  downgradeBody: string;
  createdAt: Date;
}

/** The TypeScript module of a new revision. */
export function renderRevisionFile(fields: RevisionFileFields): string {
  const parents = fields.downRevision === null ? [] : Array.isArray(fields.downRevision) ? fields.downRevision : [fields.downRevision];
  const header = [
    ...commentLines(fields.message || "(no message)"),
    " *",
    ` * Revision: ${fields.revision}`,
    ` * ${parents.length > 1 ? "Parents" : "Parent"}: ${parents.length === 0 ? "<base>" : parents.join(", ")}`,
  ];
  if (fields.dependsOn && fields.dependsOn.length > 0) header.push(` * Depends on: ${fields.dependsOn.join(", ")}`);
  header.push(` * Created: ${readableTimestamp(fields.createdAt)} UTC`);

  const properties = [
    `  revision: ${JSON.stringify(fields.revision)},`,
    `  downRevision: ${stringOrList(fields.downRevision)},`,
  ];
  if (fields.branchLabels && fields.branchLabels.length > 0) properties.push(`  branchLabels: ${stringOrList(fields.branchLabels)},`);
  if (fields.dependsOn && fields.dependsOn.length > 0) properties.push(`  dependsOn: ${stringOrList(fields.dependsOn)},`);
  properties.push(`  message: ${JSON.stringify(fields.message)},`);
  if (fields.transactional === false) properties.push("  transactional: false,");

  return [
    'import type { Migration } from "kiln-migrate";',
    "",
    "/**",
    ...header,
    " */",
    "export default {",
    ...properties,
    "  async upgrade(op) {",
    ...bodyLines(fields.upgradeBody, "nothing to do on upgrade"),
    "  },",
    "  async downgrade(op) {",
    ...bodyLines(fields.downgradeBody, "nothing to do on downgrade"),
    "  },",
    "} satisfies Migration;",
    "",
  ].join("\n");
}

/** Writes `content` as `folder/fileName`; refuses to replace an existing file. Returns the path. */
export function writeRevisionFile(folder: string, content: string, fileName: string): string {
  const file = join(folder, fileName);
  try {
    writeFileSync(file, content, { flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new KilnError(`refusing to overwrite ${file}: a file with that name already exists. Try again (a new revision gets a new id).`);
    }
    if (code === "ENOENT") {
      throw new KilnError(`cannot write ${file}: the folder ${folder} does not exist. Run \`kiln init\` to create it.`);
    }
    throw new KilnError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
  return file;
}

function stringOrList(value: string | readonly string[] | null): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  return value.length === 1 ? JSON.stringify(value[0]) : `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
}

/** The message as doc-comment lines: nothing in it can end the comment (codeBlockCommentLines). */
function commentLines(message: string): string[] {
  return codeBlockCommentLines(message).map((line) => (line.trim() ? ` * ${line.trimEnd()}` : " *"));
}

function bodyLines(body: string, placeholder: string): string[] {
  const lines = body.replace(/\s+$/, "").split(/\r?\n/);
  if (lines.every((line) => line.trim() === "")) return [`    // ${placeholder}`];
  return lines.map((line) => (line.trim() ? `    ${line.trimEnd()}` : ""));
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function compactTimestamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

function readableTimestamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}
