/**
 * What a revision has done so far, as rules need it: which tables and columns it
 * created (changing those locks nothing anyone uses yet), and which validated
 * `col IS NOT NULL` checks exist (they make SET NOT NULL skip its scan).
 */
import type { Operation, TableRef } from "../operations/types.js";

export function tableKey(ref: TableRef): string {
  return ref.schema ? `${ref.schema}.${ref.table}` : ref.table;
}

/** `col IS NOT NULL`, `("col" IS NOT NULL)`: the column name, or undefined for any other expression. */
export function notNullCheckColumn(expression: string): string | undefined {
  let text = expression.trim();
  while (text.startsWith("(") && text.endsWith(")")) text = text.slice(1, -1).trim();
  const match = /^(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))\s+IS\s+NOT\s+NULL$/i.exec(text);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!.toLowerCase();
}

interface NotNullCheck {
  column: string;
  validated: boolean;
}

export class RevisionFacts {
  /** Tables created by this revision (keys as tableKey). */
  private readonly newTables = new Set<string>();
  /** Columns added by this revision to tables that existed before it: `table key` -> column names. */
  private readonly newColumns = new Map<string, Set<string>>();
  /** Check constraints of the form `col IS NOT NULL`: table key -> constraint name -> check. */
  private readonly notNullChecks = new Map<string, Map<string, NotNullCheck>>();

  /** Policies on each table (table key -> policy names), from this revision and earlier ones. */
  private readonly policies = new Map<string, Set<string>>();

  /** Learns the lasting facts of earlier revisions (their tables are not new to this one). */
  static after(before: readonly Operation[]): RevisionFacts {
    const facts = new RevisionFacts();
    for (const op of before) facts.record(op);
    facts.newTables.clear();
    facts.newColumns.clear();
    return facts;
  }

  isNewTable(ref: TableRef): boolean {
    return this.newTables.has(tableKey(ref));
  }

  isNewColumn(ref: TableRef, column: string): boolean {
    return this.isNewTable(ref) || (this.newColumns.get(tableKey(ref))?.has(column) ?? false);
  }

  /** True when a revision so far created a policy on the table that is still there. */
  hasPolicies(ref: TableRef): boolean {
    return (this.policies.get(tableKey(ref))?.size ?? 0) > 0;
  }

  /** Name of a validated `column IS NOT NULL` check on the table, if one is known. */
  validatedNotNullCheck(ref: TableRef, column: string): string | undefined {
    for (const [name, check] of this.notNullChecks.get(tableKey(ref)) ?? []) {
      if (check.validated && check.column === column) return name;
    }
    return undefined;
  }

  /** Updates the facts with one operation (call after the rules have seen it). */
  record(op: Operation): void {
    switch (op.kind) {
      case "createTable": {
        const ref = { schema: op.table.schema, table: op.table.name };
        this.newTables.add(tableKey(ref));
        for (const check of op.table.checks) this.addCheck(ref, check.name, check.expression, true);
        return;
      }
      case "createMaterializedView":
        // Its indexes are built on an empty or freshly computed relation nothing uses yet.
        this.newTables.add(tableKey({ schema: op.view.schema, table: op.view.name }));
        return;
      case "dropMaterializedView":
        this.newTables.delete(tableKey({ schema: op.schema, table: op.name }));
        return;
      case "renameTable": {
        const from = tableKey(op);
        const to = tableKey({ schema: op.schema, table: op.newName });
        if (this.newTables.delete(from)) this.newTables.add(to);
        moveKey(this.newColumns, from, to);
        moveKey(this.notNullChecks, from, to);
        moveKey(this.policies, from, to);
        return;
      }
      case "dropTable": {
        const key = tableKey(op);
        this.newTables.delete(key);
        this.newColumns.delete(key);
        this.notNullChecks.delete(key);
        this.policies.delete(key);
        return;
      }
      case "createPolicy": {
        const key = tableKey({ schema: op.policy.schema, table: op.policy.table });
        if (!this.policies.has(key)) this.policies.set(key, new Set());
        this.policies.get(key)!.add(op.policy.name);
        return;
      }
      case "dropPolicy":
        this.policies.get(tableKey(op))?.delete(op.name);
        return;
      case "addColumn": {
        if (this.isNewTable(op)) return;
        const key = tableKey(op);
        if (!this.newColumns.has(key)) this.newColumns.set(key, new Set());
        this.newColumns.get(key)!.add(op.column.name);
        return;
      }
      case "alterColumn": {
        if (op.newName === undefined || op.newName === op.column) return;
        const added = this.newColumns.get(tableKey(op));
        if (added?.delete(op.column)) added.add(op.newName);
        for (const check of this.notNullChecks.get(tableKey(op))?.values() ?? []) {
          if (check.column === op.column) check.column = op.newName;
        }
        return;
      }
      case "createCheckConstraint":
        this.addCheck(op, op.constraint.name, op.constraint.expression, !op.notValid);
        return;
      case "validateConstraint": {
        const check = this.notNullChecks.get(tableKey(op))?.get(op.name);
        if (check) check.validated = true;
        return;
      }
      case "dropConstraint":
        this.notNullChecks.get(tableKey(op))?.delete(op.name);
        return;
      case "batchAlterTable":
        for (const inner of op.operations) this.record(inner);
        return;
      default:
        return;
    }
  }

  private addCheck(ref: TableRef, name: string | undefined, expression: string, validated: boolean): void {
    const column = notNullCheckColumn(expression);
    if (column === undefined || name === undefined) return;
    const key = tableKey(ref);
    if (!this.notNullChecks.has(key)) this.notNullChecks.set(key, new Map());
    this.notNullChecks.get(key)!.set(name, { column, validated });
  }
}

function moveKey<V>(map: Map<string, V>, from: string, to: string): void {
  const value = map.get(from);
  if (value === undefined) return;
  map.delete(from);
  map.set(to, value);
}
