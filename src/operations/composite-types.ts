/** Composite type operations. */
import type { CompositeAttribute, CompositeType } from "../catalog/composite-types.js";

export interface CreateCompositeType {
  kind: "createCompositeType";
  type: CompositeType;
}

export interface DropCompositeType {
  kind: "dropCompositeType";
  schema?: string;
  name: string;
  old?: CompositeType;
}

export interface AddCompositeAttribute {
  kind: "addCompositeAttribute";
  schema?: string;
  name: string;
  attribute: CompositeAttribute;
}

export interface DropCompositeAttribute {
  kind: "dropCompositeAttribute";
  schema?: string;
  name: string;
  attribute: string;
  old?: CompositeAttribute;
}

export type CompositeTypeOperation = CreateCompositeType | DropCompositeType | AddCompositeAttribute | DropCompositeAttribute;

export const COMPOSITE_TYPE_OPERATION_KINDS = ["createCompositeType", "dropCompositeType", "addCompositeAttribute", "dropCompositeAttribute"] as const;
