/**
 * MySQL/MariaDB DEFINERs (exact or loud): kiln creates views, triggers and
 * routines as the user it connects as, who becomes their DEFINER. An object the
 * database holds under another DEFINER (introspect reads it only then) is named
 * when a revision drops or replaces it, since the revision or its downgrade
 * creates it again under the connecting user: with SQL SECURITY DEFINER it then
 * runs with that user's privileges.
 */
import type { Operation } from "../operations/types.js";
import type { DiffWarning } from "./types.js";

const WHAT: Partial<Record<Operation["kind"], string>> = {
  dropView: "view",
  replaceView: "view",
  dropTrigger: "trigger",
  dropFunction: "function",
  replaceFunction: "function",
  dropProcedure: "procedure",
  replaceProcedure: "procedure",
};

export function definerWarnings(operations: readonly Operation[]): DiffWarning[] {
  const warnings: DiffWarning[] = [];
  for (const op of operations) {
    const kind = WHAT[op.kind];
    const old = kind ? (op as { old?: { name: string; definer?: string } }).old : undefined;
    if (!kind || old?.definer === undefined) continue;
    const dropped = op.kind.startsWith("drop");
    warnings.push({
      kind: "manualStep",
      message:
        `${kind[0]!.toUpperCase()}${kind.slice(1)} ${old.name} has DEFINER ${old.definer}, not the user kiln connects as: ` +
        `${dropped ? "the downgrade creates it again" : "the revision creates it again (and so does its downgrade)"} with the connecting user as its DEFINER, ` +
        "which kiln does not model (with SQL SECURITY DEFINER it runs with that user's privileges). " +
        `If the DEFINER matters, recreate it with op.execute("CREATE DEFINER=... ${kind.toUpperCase()} ...") instead.`,
    });
  }
  return warnings;
}
