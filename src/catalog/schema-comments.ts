/**
 * Comments on schemas (COMMENT ON SCHEMA), PostgreSQL: schema name -> comment.
 * A schema is a name in `Catalog.schemas`; its comment, when it has one, is
 * here. The default schema is keyed by its own name (`public`) and only when
 * its comment is not the one a new database gives it (PostgreSQL's
 * `standard public schema`, which pg_dump leaves out too).
 *
 * Compared (autogenerate/compare/schema-comments.ts) for the schemas the
 * models hold: a model schema without a comment means none.
 */
export type SchemaComments = Record<string, string>;

/** The comment of a schema in a Catalog, or null. */
export function schemaComment(comments: SchemaComments | undefined, schema: string): string | null {
  return comments !== undefined && Object.hasOwn(comments, schema) ? comments[schema]! : null;
}
