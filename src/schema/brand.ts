/**
 * Hidden brands that mark kiln schema objects. modelsToCatalog recognizes tables
 * and enums by these symbols, never by their shape, so an exported object that
 * merely looks like a table is ignored. `Symbol.for` keeps the brand equal when
 * two copies of kiln are loaded (e.g. the built package and the TypeScript source).
 */
export const TABLE = Symbol.for("kiln.schema.table");
export const ENUM = Symbol.for("kiln.schema.enum");
export const SQL = Symbol.for("kiln.schema.sql");
export const COLUMN = Symbol.for("kiln.schema.column");
export const OBJECT = Symbol.for("kiln.schema.object");
export const VIEW = Symbol.for("kiln.schema.view");
export const SCHEMA = Symbol.for("kiln.schema.schema");
