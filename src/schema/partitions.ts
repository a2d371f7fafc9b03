/**
 * partitionOf(parent, name, bound, extras?, options?): a partition of a
 * partitioned table (PostgreSQL declarative partitioning).
 *
 *   export const events = table("events", { ... }, { partitionBy: { strategy: "range", key: "created_at" } });
 *   export const events2024 = partitionOf(events, "events_2024", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
 *
 * The partition has its parent's columns (same keys and types, so `t.createdAt`
 * works in its extras); PostgreSQL gives it the parent's primary key, unique
 * constraints, foreign keys and indexes by itself, so the extras declare only
 * what this partition has beyond them. `bound` is SQL text as PostgreSQL prints
 * it: `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`,
 * `FOR VALUES WITH (modulus 4, remainder 0)` or `DEFAULT`.
 */
import { KilnError } from "../errors.js";
import { ColumnBuilder, type AnyColumnBuilder } from "./column.js";
import { table, tableDefinition, type ColumnBuilders, type ExtrasCallback, type Table, type TableOptions } from "./table.js";

export function partitionOf<TCols extends ColumnBuilders>(
  parent: Table<TCols>,
  name: string,
  bound: string,
  extrasOrOptions?: ExtrasCallback<TCols> | TableOptions,
  options?: TableOptions,
): Table<TCols> {
  const definition = tableDefinition(parent);
  if (!definition) throw new KilnError(`partitionOf(parent, "${name}", ...): parent must be a table declared with table(...).`);
  if (!definition.partitionBy) {
    throw new KilnError(`partitionOf(${JSON.stringify(definition.name)}, "${name}", ...): table "${definition.name}" is not partitioned; give it { partitionBy: { strategy, key } }.`);
  }
  if (typeof bound !== "string" || bound.trim() === "") {
    throw new KilnError(`partition "${name}": the bound must be SQL text such as "FOR VALUES IN ('eu')" or "DEFAULT".`);
  }
  // The parent's columns, without what belongs to the parent alone (keys, references, identity, comments).
  const builders: Record<string, AnyColumnBuilder> = {};
  for (const column of definition.columns) {
    const { unique: _unique, references: _references, identity: _identity, comment: _comment, ...state } = column.state;
    builders[column.key] = new ColumnBuilder({ ...state, name: column.name, primaryKey: false, autoIncrement: false });
  }
  const [extras, opts] = typeof extrasOrOptions === "function" ? [extrasOrOptions, options] : [undefined, extrasOrOptions ?? options];
  const internal = { ...opts, partitionOf: { parent: definition.identity, bound } };
  return (extras ? table(name, builders, extras as ExtrasCallback<ColumnBuilders>, internal) : table(name, builders, internal)) as unknown as Table<TCols>;
}
