/** Composite type operations -> PostgreSQL statements (pure). */
import type { CompositeAttribute } from "../../../catalog/composite-types.js";
import { KilnError } from "../../../errors.js";
import type { AddCompositeAttribute, CreateCompositeType } from "../../../operations/composite-types.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";
import { postgresType } from "../types.js";
import { collateClause } from "./collation.js";

function attributeDefinition(attribute: CompositeAttribute): string {
  const collate = attribute.collation !== undefined ? ` ${collateClause(attribute.collation)}` : "";
  return `${quoteIdentifier(attribute.name)} ${postgresType(attribute.type)}${collate}`;
}

export function typeComment(schema: string | undefined, name: string, comment: string | null): Statement {
  return { sql: `COMMENT ON TYPE ${tableName(schema, name)} IS ${quoteLiteral(comment)}` };
}

export function createCompositeType({ type }: CreateCompositeType): Statement[] {
  if (type.attributes.length === 0 && type.name.trim() === "") throw new KilnError("createCompositeType: the type has no name.");
  const body = type.attributes.map(attributeDefinition).join(", ");
  const statements: Statement[] = [{ sql: `CREATE TYPE ${tableName(type.schema, type.name)} AS (${body})` }];
  if (type.comment !== undefined) statements.push(typeComment(type.schema, type.name, type.comment));
  return statements;
}

export function addCompositeAttribute(op: AddCompositeAttribute): Statement[] {
  return [{ sql: `ALTER TYPE ${tableName(op.schema, op.name)} ADD ATTRIBUTE ${attributeDefinition(op.attribute)}` }];
}
