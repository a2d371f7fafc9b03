/** Reading the files of a history: shared by the readers of each tool. */
import { readFileSync } from "node:fs";
import { KilnError } from "../../errors.js";
import { isTransactionControl } from "../split.js";
import type { SourceMigration } from "../types.js";

/** How a reader splits one file into statements (the dialect decides the quoting rules). */
export type Splitter = (sql: string) => string[];

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new KilnError(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Statements of a file, with the transaction control it carries itself set aside (kiln runs each revision in a transaction of its own). */
export function upgradeStatements(statements: string[]): Pick<SourceMigration, "statements" | "skipped"> {
  const kept: string[] = [];
  const skipped: { statement: string; reason: string }[] = [];
  for (const statement of statements) {
    if (isTransactionControl(statement)) skipped.push({ statement, reason: "kiln runs each revision in a transaction of its own" });
    else kept.push(statement);
  }
  return skipped.length > 0 ? { statements: kept, skipped } : { statements: kept };
}

/** Natural order of version strings made of numbers (`1.10` after `1.9`, `2` after `1.1`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map((p) => BigInt(p));
  const pb = b.split(/[._]/).map((p) => BigInt(p));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
