/** Checks a revision file's default export and turns its metadata into graph fields. */
import { KilnError } from "../errors.js";
import type { Migration } from "./types.js";

/** The metadata the graph needs, normalized to arrays. */
export interface RevisionMetadata {
  revision: string;
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  message: string;
  transactional: boolean;
  hasDowngrade: boolean;
}

/** Version tables store ids in a 32-character column. */
const MAX_ID_LENGTH = 32;
const ID_PATTERN = /^[A-Za-z0-9_]+$/;

/** Spellings people bring from Alembic or guess; named in the error instead of ignored. */
const MISSPELLINGS: Record<string, string> = {
  down_revision: "downRevision",
  downRevisions: "downRevision",
  down_revisions: "downRevision",
  depends_on: "dependsOn",
  branch_labels: "branchLabels",
  branchLabel: "branchLabels",
};

export function validateMigration(file: string, hasDefault: boolean, value: unknown): { migration: Migration; metadata: RevisionMetadata } {
  if (!hasDefault) {
    throw new KilnError(
      `revision file ${file} has no default export. A revision file ends with \`export default { revision, downRevision, upgrade, downgrade } satisfies Migration\`.`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new KilnError(
      `the default export of revision file ${file} is ${describeValue(value)}; it must be an object with revision, downRevision, upgrade and downgrade.`,
    );
  }
  const record = value as Record<string, unknown>;
  for (const [wrong, right] of Object.entries(MISSPELLINGS)) {
    if (wrong in record && !(right in record)) {
      throw new KilnError(`revision file ${file} has "${wrong}"; kiln spells it "${right}".`);
    }
  }
  const fail = (problem: string) => new KilnError(`revision file ${file}: ${problem}`);

  if (!("revision" in record)) throw fail('the default export has no "revision" (a 12-character hex id, e.g. "3f2a9c1b7d4e").');
  const revision = checkId(record.revision, "revision", fail);

  if (!("downRevision" in record) || record.downRevision === undefined) {
    throw fail('the default export has no "downRevision": use null for a first revision, the parent\'s id, or an array of ids for a merge.');
  }
  const downRevisions = idList(record.downRevision, "downRevision", fail, true);
  const dependsOn = idList(record.dependsOn, "dependsOn", fail, false);
  const branchLabels = stringList(record.branchLabels, "branchLabels", fail);

  const message = record.message ?? "";
  if (typeof message !== "string") throw fail(`"message" must be a string, not ${describeValue(message)}.`);
  const transactional = record.transactional ?? true;
  if (typeof transactional !== "boolean") throw fail(`"transactional" must be true or false, not ${describeValue(transactional)}.`);
  if (typeof record.upgrade !== "function") {
    throw fail(
      record.upgrade === undefined
        ? 'the default export has no "upgrade" function.'
        : `"upgrade" must be a function, not ${describeValue(record.upgrade)}.`,
    );
  }
  if (record.downgrade !== undefined && typeof record.downgrade !== "function") {
    throw fail(`"downgrade" must be a function (or left out), not ${describeValue(record.downgrade)}.`);
  }
  return {
    migration: record as unknown as Migration,
    metadata: {
      revision,
      downRevisions,
      dependsOn,
      branchLabels,
      message,
      transactional,
      hasDowngrade: typeof record.downgrade === "function",
    },
  };
}

function checkId(value: unknown, field: string, fail: (problem: string) => KilnError): string {
  if (typeof value !== "string" || value === "") {
    throw fail(`"${field}" must be a non-empty string id, not ${describeValue(value)}.`);
  }
  if (!ID_PATTERN.test(value)) {
    throw fail(`"${field}" is ${JSON.stringify(value)}; ids use only letters, digits and "_" (kiln makes 12 hex characters).`);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw fail(`"${field}" is ${JSON.stringify(value)}, longer than ${MAX_ID_LENGTH} characters (the version table's limit).`);
  }
  return value;
}

function idList(value: unknown, field: string, fail: (problem: string) => KilnError, nullable: boolean): string[] {
  if (value === undefined || (nullable && value === null)) return [];
  if (typeof value === "string") return [checkId(value, field, fail)];
  if (Array.isArray(value) && value.length > 0) {
    const ids = value.map((item) => checkId(item, field, fail));
    if (new Set(ids).size !== ids.length) throw fail(`"${field}" lists the same revision twice.`);
    return ids;
  }
  const expected = nullable ? "null, an id, or a non-empty array of ids" : "an id or a non-empty array of ids";
  throw fail(`"${field}" must be ${expected}, not ${describeValue(value)}.`);
}

function stringList(value: unknown, field: string, fail: (problem: string) => KilnError): string[] {
  if (value === undefined) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string" || item === "")) {
    throw fail(`"${field}" must be a non-empty string or an array of them, not ${describeValue(value)}.`);
  }
  return [...new Set(list as string[])];
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
