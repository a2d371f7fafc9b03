/** Composite types (CREATE TYPE name AS (attr type, ...)). */
export interface CompositeAttribute {
  name: string;
  /** As format_type prints it (carried verbatim). */
  type: string;
  collation?: string;
}

export interface CompositeType {
  schema?: string;
  name: string;
  /** In declaration order. */
  attributes: CompositeAttribute[];
  comment?: string;
}
