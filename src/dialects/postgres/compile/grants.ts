/** GRANT / REVOKE (operations/grants.ts) -> PostgreSQL statements (pure). */
import { GRANT_TARGETS, type GrantObject } from "../../../catalog/grants.js";
import { KilnError } from "../../../errors.js";
import type { GrantOperation } from "../../../operations/grants.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, tableName } from "../sql.js";
import { roleSql } from "./policies.js";

const PRIVILEGE = /^[A-Z]+$/;

function objectSql(on: GrantObject): string {
  const target = GRANT_TARGETS[on.kind];
  if (!target) throw new KilnError(`GRANT on a ${String(on.kind)}: kiln does not know this kind of object.`);
  if (on.kind === "schema") return `SCHEMA ${quoteIdentifier(on.name)}`;
  if (on.kind === "function" || on.kind === "procedure") {
    // The name carries the argument types as PostgreSQL prints them: `touch(integer, text)`.
    const open = on.name.indexOf("(");
    if (open < 0 || !on.name.endsWith(")")) throw new KilnError(`GRANT on ${on.kind} ${on.name}: give the argument types, e.g. "${on.name}(integer)".`);
    return `${target.keyword} ${tableName(on.schema, on.name.slice(0, open))}${on.name.slice(open)}`;
  }
  return `${target.keyword} ${tableName(on.schema, on.name)}`;
}

function privilegesSql(op: GrantOperation): string {
  const allowed = GRANT_TARGETS[op.on.kind]?.privileges ?? [];
  return op.privileges
    .map((p) => {
      const privilege = p.toUpperCase();
      if (!PRIVILEGE.test(privilege) || (!allowed.includes(privilege) && privilege !== "MAINTAIN")) {
        throw new KilnError(`${op.kind} ${p} on ${op.on.kind} ${op.on.name}: a ${op.on.kind} has the privileges ${allowed.join(", ")}.`);
      }
      return op.on.column !== undefined ? `${privilege} (${quoteIdentifier(op.on.column)})` : privilege;
    })
    .join(", ");
}

export function compileGrantOperation(op: GrantOperation): Statement[] {
  if (op.privileges.length === 0) return [];
  if (op.kind === "grant") {
    return [{ sql: `GRANT ${privilegesSql(op)} ON ${objectSql(op.on)} TO ${roleSql(op.grantee)}${op.withGrantOption ? " WITH GRANT OPTION" : ""}` }];
  }
  // CASCADE is never added: a revoke that other grants depend on fails, naming them.
  return [{ sql: `REVOKE ${privilegesSql(op)} ON ${objectSql(op.on)} FROM ${roleSql(op.grantee)}` }];
}
