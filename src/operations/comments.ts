/** COMMENT ON for the object kinds that are not tables or columns (`schema`: `name` is the schema, no `schema`). */
export type CommentTarget = "sequence" | "domain" | "type" | "view" | "materialized view" | "index" | "constraint" | "schema" | "collation";

export interface SetComment {
  kind: "setComment";
  /** `type` covers enums and composite types (COMMENT ON TYPE). */
  target: CommentTarget;
  schema?: string;
  name: string;
  /** The table of an index or constraint (COMMENT ON CONSTRAINT name ON table needs it). */
  table?: string;
  /** `null` removes the comment. */
  comment: string | null;
  existing?: string | null;
}

export const COMMENT_OPERATION_KINDS = ["setComment"] as const;
