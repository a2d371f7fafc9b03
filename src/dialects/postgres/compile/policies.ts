/** Row-level security operations (operations/policies.ts) -> PostgreSQL statements (pure). */
import type { Policy } from "../../../catalog/policies.js";
import type { PolicyOperation } from "../../../operations/policies.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

/** Role specifications PostgreSQL takes as keywords (resolved to the role when the policy is created). */
const ROLE_KEYWORDS = new Set(["public", "current_user", "current_role", "session_user"]);

export function roleSql(role: string): string {
  return ROLE_KEYWORDS.has(role.toLowerCase()) ? role.toUpperCase() : quoteIdentifier(role);
}

function rolesSql(roles: readonly string[] | undefined): string {
  return roles && roles.length > 0 ? roles.map(roleSql).join(", ") : "PUBLIC";
}

function policyComment(schema: string | undefined, table: string, name: string, comment: string | null): Statement {
  return { sql: `COMMENT ON POLICY ${quoteIdentifier(name)} ON ${tableName(schema, table)} IS ${quoteLiteral(comment)}` };
}

/** CREATE POLICY as pg_dump writes it: AS and FOR only when not the defaults, TO always. */
export function createPolicySql(p: Policy): string {
  return (
    `CREATE POLICY ${quoteIdentifier(p.name)} ON ${tableName(p.schema, p.table)}` +
    (p.restrictive ? " AS RESTRICTIVE" : "") +
    (p.command ? ` FOR ${p.command.toUpperCase()}` : "") +
    ` TO ${rolesSql(p.roles)}` +
    // The text as written (EXACT TEXT); the parentheses are the statement's own.
    (p.using !== undefined ? ` USING (${p.using})` : "") +
    (p.withCheck !== undefined ? ` WITH CHECK (${p.withCheck})` : "")
  );
}

export function compilePolicyOperation(op: PolicyOperation): Statement[] {
  switch (op.kind) {
    case "enableRowLevelSecurity":
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} ENABLE ROW LEVEL SECURITY` }];
    case "disableRowLevelSecurity":
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} DISABLE ROW LEVEL SECURITY` }];
    case "forceRowLevelSecurity":
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} FORCE ROW LEVEL SECURITY` }];
    case "noForceRowLevelSecurity":
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} NO FORCE ROW LEVEL SECURITY` }];
    case "createPolicy": {
      const p = op.policy;
      const statements: Statement[] = [{ sql: createPolicySql(p) }];
      if (p.comment !== undefined) statements.push(policyComment(p.schema, p.table, p.name, p.comment));
      return statements;
    }
    case "dropPolicy":
      return [{ sql: `DROP POLICY ${quoteIdentifier(op.name)} ON ${tableName(op.schema, op.table)}` }];
    case "alterPolicy": {
      const { changes } = op;
      const clauses = [
        changes.roles !== undefined ? `TO ${rolesSql(changes.roles)}` : "",
        changes.using !== undefined ? `USING (${changes.using})` : "",
        changes.withCheck !== undefined ? `WITH CHECK (${changes.withCheck})` : "",
      ].filter(Boolean);
      const statements: Statement[] = [];
      if (clauses.length > 0) statements.push({ sql: `ALTER POLICY ${quoteIdentifier(op.name)} ON ${tableName(op.schema, op.table)} ${clauses.join(" ")}` });
      if (changes.comment !== undefined) statements.push(policyComment(op.schema, op.table, op.name, changes.comment));
      return statements;
    }
  }
}
