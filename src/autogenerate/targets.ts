/** Which table an operation works on. */
import type { Operation } from "../operations/types.js";

/** True when `op` changes the existing table `ref` (the operations a batchAlterTable may hold). */
export function sameTable(op: Operation, ref: { schema?: string; table: string }): boolean {
  if (op.kind === "createTable" || op.kind === "batchAlterTable" || !("table" in op)) return false;
  return op.table === ref.table && op.schema === ref.schema;
}
