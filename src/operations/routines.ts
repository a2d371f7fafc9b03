/**
 * Function and procedure operations (catalog/routines.ts). A routine is named
 * by its schema, name and input argument types; the whole definition rides on
 * each operation so that every one of them reverses exactly.
 */
import type { Routine } from "../catalog/routines.js";

/** CREATE FUNCTION / CREATE PROCEDURE (and COMMENT ON when the routine has a comment). */
export interface CreateRoutine {
  kind: "createFunction" | "createProcedure";
  routine: Routine;
}

/**
 * CREATE OR REPLACE with the same signature and result: a new body or new
 * attributes (language, volatility, SET ...), and/or a new comment. `old` is the
 * definition it replaces (its downgrade).
 */
export interface ReplaceRoutine {
  kind: "replaceFunction" | "replaceProcedure";
  routine: Routine;
  old?: Routine;
}

/** DROP FUNCTION / DROP PROCEDURE name(input types). */
export interface DropRoutine {
  kind: "dropFunction" | "dropProcedure";
  schema?: string;
  name: string;
  /** The input argument types (the signature). */
  argumentTypes: string[];
  old?: Routine;
}

export type RoutineOperation = CreateRoutine | ReplaceRoutine | DropRoutine;

export const ROUTINE_OPERATION_KINDS = ["createFunction", "createProcedure", "replaceFunction", "replaceProcedure", "dropFunction", "dropProcedure"] as const;

/** The operation kind for a routine of `kind`. */
export function routineOperationKind<V extends "create" | "replace" | "drop">(verb: V, kind: Routine["kind"]): `${V}${"Function" | "Procedure"}` {
  return `${verb}${kind === "procedure" ? "Procedure" : "Function"}` as `${V}${"Function" | "Procedure"}`;
}

/** Whether two definitions differ in what CREATE OR REPLACE sets (everything but the comment). */
export function sameRoutineDefinition(a: Routine, b: Routine): boolean {
  const { comment: _a, ...x } = a;
  const { comment: _b, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
}
