/**
 * kiln/schema: the model DSL.
 *
 *   import { table, enumType, integer, varchar, timestamp, sql, check, index } from "kiln-migrate/schema";
 *
 *   export const status = enumType("prototype_status", ["draft", "active", "retired"]);
 *   export const prototypes = table("prototypes", {
 *     id: integer().primaryKey().generatedAlwaysAsIdentity(),
 *     prototypeId: integer("prototype_id").notNull(),
 *     status: status().notNull().default("draft"),
 *     createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
 *   }, (t) => [check("check_id_prototype_positive", sql`${t.prototypeId} >= 0`), index().on(t.status)]);
 *
 * Columns: the property key is the TypeScript name; the first string argument,
 * when given, is the database column name (otherwise the key is used as-is).
 *
 * Tables: table(name, columns, extras?, options?) where extras is `(t) => [...]`
 * (primaryKey, unique, foreignKey, check, index) and options is
 * `{ schema?, comment? }`; options may also come third when there are no extras.
 * schema("app").table(...) and schema("app").enumType(...) are shorthand for
 * passing `{ schema: "app" }`.
 *
 * References: .references(() => users.id, { onDelete: "cascade" }). A table that
 * refers to itself spells out the return type, which TypeScript cannot infer
 * from the table's own initializer: .references((): AnyColumn => orders.id).
 *
 * SQL: sql`...` interpolates table columns (as quoted names) and other
 * fragments only; sql.raw(text) inserts trusted text.
 *
 * Row types: InferSelect<typeof t> / InferInsert<typeof t>, also `t.$inferSelect`
 * and `t.$inferInsert` (type-only). bigint, bigserial and numeric read as
 * strings (node-postgres returns them so: they do not fit a JS number exactly).
 *
 * modelsToCatalog(modules, naming?) turns the exported tables and enums into a
 * Catalog (see naming.ts for how unnamed constraints and indexes are named).
 */
export { sql, SqlFragment, isSqlFragment, type SqlTag, type SqlValue } from "./sql.js";
export {
  smallint,
  integer,
  bigint,
  serial,
  smallserial,
  bigserial,
  numeric,
  real,
  doublePrecision,
  boolean,
  text,
  varchar,
  char,
  date,
  time,
  timestamp,
  datetime,
  interval,
  uuid,
  json,
  jsonb,
  bytea,
  customType,
  type NumericOptions,
  type LengthOption,
  type TimeOptions,
} from "./columns.js";
export { Column, ColumnBuilder, isColumn, type AnyColumn, type AnyColumnBuilder, type ReferenceOptions } from "./column.js";
export { enumType, isEnumType, type EnumType, type EnumOptions } from "./enum.js";
export {
  sequence,
  domain,
  compositeType,
  extension,
  collation,
  type CollationOptions,
  type SequenceOptions,
  type DomainOptions,
  type CompositeTypeOptions,
  type ModelObject,
  type TypeObject,
} from "./objects.js";
export {
  primaryKey,
  unique,
  foreignKey,
  check,
  index,
  uniqueIndex,
  IndexBuilder,
  key,
  desc,
  exclude,
  ExclusionBuilder,
  type KeyOptions,
  type UniqueOptions,
  type CheckOptions,
  type ConstraintOptions,
  type ForeignKeyOptions,
  type TableExtra,
} from "./constraints.js";
export { table, schema, isTable, type Table, type AnyTable, type TableOptions, type SchemaBuilder, type SchemaOptions, type BoundColumns } from "./table.js";
export type { InferSelect, InferInsert, SelectRow, InsertRow, ColumnValue } from "./infer.js";
export {
  DEFAULT_NAMING,
  MAX_IDENTIFIER_BYTES,
  resolveNaming,
  applyNamingTemplate,
  truncateIdentifier,
  type NameParts,
} from "./naming.js";
export { modelsToCatalog } from "./to-catalog.js";
export { view, materializedView, isView, type ViewObject, type ViewOptions, type MaterializedViewOptions } from "./views.js";
export { partitionOf } from "./partitions.js";
export { policy, isPolicy, type PolicyOptions, type PolicyObject } from "./policies.js";
export { grant, revokePublic, type GrantOptions, type GrantObjectModel } from "./grants.js";
export type { PolicyCommand } from "../catalog/policies.js";
export {
  func,
  procedure,
  trigger,
  type FunctionOptions,
  type ProcedureOptions,
  type FunctionArgument,
  type TriggerOptions,
  type RoutineObject,
  type TypeRef,
} from "./routines.js";
export { aggregate, type AggregateOptions, type AggregateArgument, type SupportFunction } from "./aggregates.js";
export type { PartitionBy, PartitionStrategy } from "../catalog/partitions.js";
export { operator, type OperatorOptions, type OperatorObject } from "./operators.js";
