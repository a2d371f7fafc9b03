/**
 * Changed history: a revision file edited after it was applied no longer
 * describes what the database ran. kiln refuses to go on (naming the file, the
 * revision and what differs) unless the user accepts it deliberately.
 */
import { createRequire } from "node:module";
import type { structuredPatch as StructuredPatch } from "diff";
import { KilnError } from "../errors.js";
import type { RevisionGraph } from "../revisions/graph.js";
import type { LoadedRevision } from "../revisions/load.js";
import type { AppliedFile } from "./session.js";

const MAX_DIFF_LINES = 30;

/**
 * The diff library (about 25 modules) is loaded only when a changed file is to
 * be described: every upgrade runs this file's checks, almost none needs it.
 */
function structuredPatch(...args: Parameters<typeof StructuredPatch>): ReturnType<typeof StructuredPatch> {
  const diff = createRequire(import.meta.url)("diff") as { structuredPatch: typeof StructuredPatch };
  return diff.structuredPatch(...args);
}

/** The lines that differ between the applied text and the file now, as a short unified diff. */
export function describeChange(applied: string | undefined, now: string): string[] {
  if (applied === undefined) return ["(the applied text was not recorded: it was applied from an offline --sql script)"];
  const patch = structuredPatch("applied", "now", applied, now, "", "", { context: 1 });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(`@@ line ${hunk.newStart} @@`);
    lines.push(...hunk.lines);
  }
  if (lines.length > MAX_DIFF_LINES) return [...lines.slice(0, MAX_DIFF_LINES), `... (${lines.length - MAX_DIFF_LINES} more lines)`];
  return lines;
}

/** Every revision the database has applied (its heads and their ancestors). */
export function appliedRevisionIds(graph: RevisionGraph<LoadedRevision>, heads: string[], folder: string): Set<string> {
  const applied = new Set<string>();
  for (const head of heads) {
    if (!graph.has(head)) {
      throw new KilnError(`the database is at revision ${head}, which is not in ${folder}`, {
        details: [
          "the revision file was deleted or renamed, or the database was migrated from another branch of the code",
          "restore the file, or if the schema really matches another revision: `kiln stamp <rev> --purge`",
        ],
      });
    }
    applied.add(head);
    for (const ancestor of graph.ancestors(head)) applied.add(ancestor);
  }
  return applied;
}

/**
 * Throws when an applied revision's file changed since, unless `allowChanged`,
 * in which case each change is passed to `warn`.
 */
export function checkAppliedFiles(
  graph: RevisionGraph<LoadedRevision>,
  heads: string[],
  files: Map<string, AppliedFile>,
  options: { folder: string; allowChanged: boolean; warn(message: string): void },
): void {
  const changed: { revision: LoadedRevision; applied: AppliedFile }[] = [];
  for (const id of appliedRevisionIds(graph, heads, options.folder)) {
    const applied = files.get(id);
    const revision = graph.get(id);
    if (applied && applied.checksum !== revision.checksum) changed.push({ revision, applied });
  }
  if (changed.length === 0) return;
  if (options.allowChanged) {
    for (const { revision } of changed) {
      options.warn(`revision ${revision.revision} (${revision.file}) changed after it was applied; going on because of --allow-changed`);
    }
    return;
  }
  const details: string[] = [];
  for (const { revision, applied } of changed) {
    details.push(`${revision.file} (revision ${revision.revision}):`);
    details.push(...describeChange(applied.source, revision.source).map((line) => `  ${line}`));
  }
  details.push(
    "the database ran the applied version. Restore the file (e.g. from git), or put the change in a new revision;",
    "if the edit is deliberate (a comment, a fix that changes nothing applied), run again with --allow-changed",
  );
  const first = changed[0]!.revision;
  throw new KilnError(
    changed.length === 1
      ? `revision ${first.revision} (${first.file}) was changed after it was applied`
      : `${changed.length} applied revisions were changed after they were applied`,
    { details },
  );
}
