/**
 * What a database error says beyond its message. PostgreSQL sends DETAIL and
 * HINT fields (`cannot drop table t because other objects depend on it` +
 * `DETAIL: view v depends on table t`); both pg and PGlite put them on the
 * error object as `detail` and `hint`. Other drivers have none: no lines.
 */
import { redactSecrets } from "../config/secrets.js";
import { terminalMessage } from "../neutralize.js";

function field(error: unknown, name: "detail" | "hint"): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * `DETAIL: ...` and `HINT: ...` lines of a database error, ready to print:
 * known secrets redacted, control characters escaped (the server echoes names
 * and values). A multi-line DETAIL (one line per dependent object) stays one
 * line per line, indented under the first.
 */
export function databaseErrorLines(error: unknown): string[] {
  const lines: string[] = [];
  for (const [name, label] of [["detail", "DETAIL"], ["hint", "HINT"]] as const) {
    const text = field(error, name);
    if (text === undefined) continue;
    const [first, ...rest] = terminalMessage(redactSecrets(text)).split("\n");
    lines.push(`${label}: ${first}`, ...rest.map((line) => `  ${line}`));
  }
  return lines;
}
