/** Domain operations -> PostgreSQL statements (pure). */
import type { DomainCheck } from "../../../catalog/domains.js";
import { KilnError } from "../../../errors.js";
import type { AddDomainConstraint, AlterDomain, CreateDomain } from "../../../operations/domains.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";
import { postgresType } from "../types.js";
import { collateClause } from "./collation.js";

function text(value: string, what: string): string {
  if (value.trim() === "") throw new KilnError(`${what} is empty; give SQL text, or leave the field out.`);
  return value;
}

function checkClause(check: DomainCheck, where: string): string {
  return `CONSTRAINT ${quoteIdentifier(check.name)} CHECK (${text(check.expression, `the check ${check.name} of domain ${where}`)})`;
}

export function domainComment(schema: string | undefined, name: string, comment: string | null): Statement {
  return { sql: `COMMENT ON DOMAIN ${tableName(schema, name)} IS ${quoteLiteral(comment)}` };
}

export function createDomain({ domain }: CreateDomain): Statement[] {
  const where = domain.schema ? `${domain.schema}.${domain.name}` : domain.name;
  let sql = `CREATE DOMAIN ${tableName(domain.schema, domain.name)} AS ${postgresType(domain.type)}`;
  if (domain.collation !== undefined) sql += ` ${collateClause(domain.collation)}`;
  if (domain.default !== undefined) sql += ` DEFAULT ${text(domain.default, `the default of domain ${where}`)}`;
  if (domain.notNull) sql += " NOT NULL";
  for (const check of domain.checks) sql += ` ${checkClause(check, where)}`;
  const statements: Statement[] = [{ sql }];
  if (domain.comment !== undefined) statements.push(domainComment(domain.schema, domain.name, domain.comment));
  return statements;
}

export function alterDomain(op: AlterDomain): Statement[] {
  const domain = tableName(op.schema, op.name);
  const where = op.schema ? `${op.schema}.${op.name}` : op.name;
  const statements: Statement[] = [];
  if (op.default === null) statements.push({ sql: `ALTER DOMAIN ${domain} DROP DEFAULT` });
  else if (op.default !== undefined) statements.push({ sql: `ALTER DOMAIN ${domain} SET DEFAULT ${text(op.default, `the default of domain ${where}`)}` });
  if (op.notNull !== undefined) statements.push({ sql: `ALTER DOMAIN ${domain} ${op.notNull ? "SET" : "DROP"} NOT NULL` });
  return statements;
}

export function addDomainConstraint(op: AddDomainConstraint): Statement[] {
  const where = op.schema ? `${op.schema}.${op.name}` : op.name;
  return [{ sql: `ALTER DOMAIN ${tableName(op.schema, op.name)} ADD ${checkClause(op.constraint, where)}${op.notValid ? " NOT VALID" : ""}` }];
}
