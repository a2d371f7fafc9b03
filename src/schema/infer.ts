/**
 * Row types derived from a table's columns.
 *
 * Select rows: every column; nullable columns add `| null`.
 * Insert rows: NOT NULL columns without a default are required; columns with a
 * default, identity or serial columns and nullable columns are optional.
 */
import type { Column } from "./column.js";

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript value of one column as read from the database. */
export type ColumnValue<C> = C extends Column<infer D, infer N, any> ? (N extends true ? D : D | null) : never;

type RequiredInsertKeys<C> = { [K in keyof C]: C[K] extends Column<any, true, false> ? K : never }[keyof C];

export type SelectRow<C> = Simplify<{ -readonly [K in keyof C]: ColumnValue<C[K]> }>;

export type InsertRow<C> = Simplify<
  { -readonly [K in RequiredInsertKeys<C>]: ColumnValue<C[K]> } & {
    -readonly [K in Exclude<keyof C, RequiredInsertKeys<C>>]?: ColumnValue<C[K]>;
  }
>;

/** Row type returned by SELECT * on the table: InferSelect<typeof users>. */
export type InferSelect<T extends { readonly $inferSelect: unknown }> = T["$inferSelect"];

/** Row type accepted by INSERT: InferInsert<typeof users>. */
export type InferInsert<T extends { readonly $inferInsert: unknown }> = T["$inferInsert"];
