/** Trigger operations (catalog/triggers.ts). A changed trigger is dropped and created again. */
import type { Trigger } from "../catalog/triggers.js";

/** CREATE [CONSTRAINT] TRIGGER (with its comment and ENABLE state). */
export interface CreateTrigger {
  kind: "createTrigger";
  trigger: Trigger;
}

/** DROP TRIGGER name ON table. */
export interface DropTrigger {
  kind: "dropTrigger";
  schema?: string;
  table: string;
  name: string;
  old?: Trigger;
}

export type TriggerOperation = CreateTrigger | DropTrigger;

export const TRIGGER_OPERATION_KINDS = ["createTrigger", "dropTrigger"] as const;
