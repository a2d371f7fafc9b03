/**
 * Column builders (what `integer()`, `varchar(200)` ... return) and bound
 * columns (what a table exposes as `users.id`).
 *
 * Builders are immutable: every call returns a new builder, so a builder kept in
 * a variable and spread into several tables is never changed behind their back.
 * The type parameters track what the row types need: the TypeScript value type,
 * whether the column is NOT NULL, and whether inserts may leave it out.
 */
import type { FkAction } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import { COLUMN } from "./brand.js";
import { renderLiteral } from "./literal.js";
import { isColumnReference, isSqlFragment, type ColumnReference, type SqlFragment } from "./sql.js";

/** An enum type as a column refers to it. */
/** The options of an identity column's sequence (PostgreSQL), as `sequence()` takes them; restored on re-creation, not compared. */
export interface IdentitySequenceOptions {
  start?: number | bigint;
  increment?: number | bigint;
  minValue?: number | bigint;
  maxValue?: number | bigint;
  cache?: number | bigint;
  cycle?: boolean;
}

const IDENTITY_NUMBERS = ["start", "increment", "minValue", "maxValue", "cache"];

/** The sequence behind a serial column (PostgreSQL): its type when not the column's (Rails makes bigint sequences for integer keys), and options. */
export interface SerialSequenceOptions extends IdentitySequenceOptions {
  as?: "smallint" | "integer" | "bigint";
  /**
   * Only where the sequence's persistence differs from its table's (PostgreSQL gives a new one the table's):
   * true for an UNLOGGED sequence behind a logged table, false for a logged one behind an UNLOGGED table.
   */
  unlogged?: boolean;
}

export interface EnumDefinition {
  readonly name: string;
  readonly schema?: string;
  readonly values: readonly string[];
  readonly comment?: string;
}

/** The name and schema of a table; one object per table, so identity comparison works. */
export interface TableIdentity {
  readonly name: string;
  readonly schema?: string;
}

export interface ReferenceOptions {
  name?: string;
  onDelete?: FkAction;
  onUpdate?: FkAction;
}

/** Everything a builder knows; read by table() and modelsToCatalog. */
export interface ColumnState {
  /** Database column name when given explicitly; otherwise the property key is used. */
  readonly name?: string;
  /** Type in the Catalog's neutral vocabulary, e.g. `varchar(200)`, `integer[]`. */
  readonly type: string;
  /** smallint/integer/bigint: may become an identity column. */
  readonly integer: boolean;
  readonly json: boolean;
  readonly dateOnly: boolean;
  readonly arrayDepth: number;
  readonly enum?: EnumDefinition;
  readonly notNull: boolean;
  readonly primaryKey: boolean;
  /** Rendered literal text, or an expression rendered once column names are known. */
  readonly default?: string | SqlFragment;
  readonly identity?: { always: boolean; sequence?: IdentitySequenceOptions };
  readonly autoIncrement: boolean;
  /** serial/bigserial: the options of the sequence behind it (restored on creation, not compared), as serial(name, { as, start, ... }) gives them. */
  readonly serialSequence?: SerialSequenceOptions;
  readonly unique?: { name?: string };
  readonly references?: { target: () => ColumnReference; options: ReferenceOptions };
  readonly comment?: string;
  /** MySQL `ON UPDATE` expression (rendered once column names are known). */
  readonly onUpdate?: SqlFragment;
  /** PostgreSQL statistics target (ALTER COLUMN ... SET STATISTICS n). */
  readonly statistics?: number;
  /** MySQL character set and collation of a text column. */
  readonly charset?: string;
  readonly collation?: string;
  /** GENERATED ALWAYS AS (expression) STORED|VIRTUAL; a function is called once the tables exist (to mention their columns). */
  readonly generated?: { readonly expression: SqlFragment | (() => SqlFragment); readonly stored: boolean };
}

export interface GeneratedOptions {
  /** true: STORED (computed on write, PostgreSQL 12+); false: VIRTUAL (computed on read, PostgreSQL 18+). */
  stored: boolean;
}

/** Extra values `.default()` accepts: numbers for columns read as strings (bigint, numeric), text for dates. */
type DefaultExtra<TData> = [TData] extends [string]
  ? string extends TData
    ? number | bigint
    : never
  : [TData] extends [Date]
    ? string
    : never;

export type DefaultValue<TData> = TData | DefaultExtra<TData> | null | SqlFragment;

const FK_ACTIONS: readonly FkAction[] = ["cascade", "restrict", "set null", "set default", "no action"];

function describeColumn(state: ColumnState): string {
  return state.name ? `column "${state.name}" (${state.type})` : `${state.type} column`;
}

/** A charset, collation or engine name: letters, digits and `_`. */
export function optionName(name: unknown, where: string): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9_]+$/.test(name)) {
    throw new KilnError(`${where}: ${JSON.stringify(name)} is not a valid name (letters, digits and _ only).`);
  }
  return name;
}

export function checkFkAction(action: unknown, where: string): void {
  if (action !== undefined && !FK_ACTIONS.includes(action as FkAction)) {
    throw new KilnError(
      `${where}: unknown foreign key action ${JSON.stringify(action)}. Use one of: ${FK_ACTIONS.map((a) => `"${a}"`).join(", ")}.`,
    );
  }
}

/**
 * Type-only facts about a column beyond its value type, for typed query builders
 * (kiln-migrate/kysely): `name`, the database name when the model gives one as a
 * literal; `readOnly`, a column no INSERT or UPDATE may set (GENERATED ALWAYS).
 */
export interface ColumnMeta {
  readonly name?: string;
  readonly readOnly?: true;
  /** Read as a string that a number may be written as (bigint, bigserial, numeric): typed writes accept number and bigint. */
  readonly numberText?: true;
}

/** The ColumnMeta of bigint, bigserial and numeric columns. */
export type NumberTextMeta = { readonly numberText: true };

/** The ColumnMeta of a column named by its factory's first argument (none: the property key). */
export type NamedMeta<N extends string | undefined> = [N] extends [string] ? (string extends N ? {} : { readonly name: N }) : {};

export class ColumnBuilder<TData, TNotNull extends boolean = false, THasDefault extends boolean = false, TMeta extends ColumnMeta = {}> {
  /** Type-only: carries the row-type information. Absent at run time. */
  declare readonly $types: { data: TData; notNull: TNotNull; hasDefault: THasDefault; meta: TMeta };
  readonly state: ColumnState;

  constructor(state: ColumnState) {
    this.state = state;
  }

  private with(patch: Partial<ColumnState>): any {
    return new ColumnBuilder({ ...this.state, ...patch });
  }

  notNull(): ColumnBuilder<TData, true, THasDefault, TMeta> {
    return this.with({ notNull: true });
  }

  /**
   * Default value: a JS value of the column's type (written as an SQL literal) or
   * an expression such as sql`now()`. `null` writes `DEFAULT NULL`.
   */
  default(value: DefaultValue<TData>): ColumnBuilder<TData, TNotNull, true, TMeta> {
    if (isSqlFragment(value)) return this.with({ default: value });
    const { enum: enumType } = this.state;
    if (enumType && this.state.arrayDepth === 0 && value !== null && !enumType.values.includes(value as string)) {
      throw new KilnError(
        `.default(${JSON.stringify(value)}) on enum "${enumType.name}": not one of its values (${enumType.values.join(", ")}).`,
      );
    }
    const { type, json, dateOnly, arrayDepth } = this.state;
    return this.with({ default: renderLiteral(value, { type, json, dateOnly, array: arrayDepth > 0 }) });
  }

  /** Single-column primary key (implies NOT NULL). For a composite key use primaryKey({ columns }) in the table's extras. */
  primaryKey(): ColumnBuilder<TData, true, THasDefault, TMeta> {
    return this.with({ primaryKey: true, notNull: true });
  }

  /** Single-column unique constraint; without a name the naming convention names it. */
  unique(name?: string): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    return this.with({ unique: name === undefined ? {} : { name } });
  }

  /**
   * Foreign key to another table's column. The target is a function so that
   * tables may refer to tables declared later (or to themselves).
   */
  references(target: () => ColumnReference, options: ReferenceOptions = {}): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    if (typeof target !== "function") {
      throw new KilnError(".references(...) expects a function returning the referenced column, e.g. .references(() => users.id).");
    }
    checkFkAction(options.onDelete, `.references(...) onDelete`);
    checkFkAction(options.onUpdate, `.references(...) onUpdate`);
    return this.with({ references: { target, options: { ...options } } });
  }

  comment(text: string): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    return this.with({ comment: text });
  }

  /** PostgreSQL: the column's statistics target for ANALYZE (`ALTER COLUMN ... SET STATISTICS n`, 0 to 10000). */
  statistics(target: number): ColumnBuilder<TData, TNotNull, THasDefault> {
    if (!Number.isInteger(target) || target < 0 || target > 10000) throw new KilnError(`.statistics(${JSON.stringify(target)}): a statistics target is an integer from 0 to 10000.`);
    return this.with({ statistics: target });
  }

  /** MySQL/MariaDB: set the column whenever its row is updated, e.g. `.onUpdate(sql\`CURRENT_TIMESTAMP\`)`. */
  onUpdate(expression: SqlFragment): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    if (!isSqlFragment(expression)) throw new KilnError(".onUpdate(...) expects an sql`...` expression, e.g. .onUpdate(sql`CURRENT_TIMESTAMP`).");
    return this.with({ onUpdate: expression });
  }

  /**
   * MySQL/MariaDB: an UNSIGNED number, e.g. `smallint().unsigned()` (SMALLINT UNSIGNED),
   * `numeric({ precision: 8, scale: 2 }).unsigned()`. The type becomes MySQL's own spelling,
   * which the other databases do not take.
   */
  unsigned(): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    return this.with({ type: mysqlNumber(this.state.type, "unsigned", ".unsigned()") });
  }

  /**
   * MySQL/MariaDB: ZEROFILL (which is UNSIGNED too), with a display width when given:
   * `integer().zerofill(4)` is `INT(4) UNSIGNED ZEROFILL`.
   */
  zerofill(width?: number): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    if (width !== undefined && (!Number.isInteger(width) || width < 1 || width > 255)) throw new KilnError(`.zerofill(width): the display width must be an integer from 1 to 255, got ${width}.`);
    const type = mysqlNumber(this.state.type, "zerofill", ".zerofill()").replace(/ unsigned$/, "");
    const sized = width === undefined ? type : type.replace(/^(tinyint|smallint|mediumint|int|bigint)(?:\(\d+\))?/, `$1(${width})`);
    return this.with({ type: `${sized} unsigned zerofill` });
  }

  /** MySQL/MariaDB: the column's character set, e.g. `.charset("utf8mb3")` (default: the table's). */
  charset(name: string): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    return this.with({ charset: optionName(name, ".charset(...)") });
  }

  /**
   * The column's collation, e.g. \`.collate("C")\`, \`.collate("de-x-icu")\` (PostgreSQL: when not the
   * type's default), \`.collate("utf8mb4_bin")\` (MySQL/MariaDB; default: the table's). A PostgreSQL
   * collation of another schema: \`.collate("german", { schema: "app" })\`.
   */
  collate(name: string, options: { schema?: string } = {}): ColumnBuilder<TData, TNotNull, THasDefault, TMeta> {
    // Any non-empty name here (PostgreSQL collations such as "de-x-icu" too); each dialect checks it when it writes SQL.
    if (typeof name !== "string" || name === "") throw new KilnError(`.collate(...) expects a collation name, got ${JSON.stringify(name)}.`);
    if (options.schema === undefined) return this.with({ collation: name });
    const quote = (part: string) => `"${part.replace(/"/g, '""')}"`;
    return this.with({ collation: `${quote(options.schema)}.${quote(name)}` });
  }

  /**
   * A generated column: \`GENERATED ALWAYS AS (expression) STORED\` (or VIRTUAL
   * with { stored: false }, where the database has it). The expression is
   * sql\`...\`, or a function returning one that mentions the table's columns:
   * .generatedAlwaysAs(() => sql\`${items.price} * ${items.quantity}\`, { stored: true }).
   */
  generatedAlwaysAs(expression: SqlFragment | (() => SqlFragment), options: GeneratedOptions): ColumnBuilder<TData, TNotNull, true, TMeta & { readonly readOnly: true }> {
    if (!isSqlFragment(expression) && typeof expression !== "function") {
      throw new KilnError(`.generatedAlwaysAs(...) on a ${describeColumn(this.state)} expects sql\`...\` or a function returning it.`);
    }
    if (typeof options?.stored !== "boolean") {
      throw new KilnError(`.generatedAlwaysAs(...) on a ${describeColumn(this.state)} needs { stored: true } (STORED) or { stored: false } (VIRTUAL).`);
    }
    if (this.state.default !== undefined || this.state.identity || this.state.autoIncrement) {
      throw new KilnError(`.generatedAlwaysAs(...) on a ${describeColumn(this.state)}: a generated column has no default, identity or serial; remove those.`);
    }
    return this.with({ generated: { expression, stored: options.stored } });
  }

  /** `GENERATED ALWAYS AS IDENTITY [(START WITH ... INCREMENT BY ...)]` (smallint, integer, bigint). Implies NOT NULL. */
  generatedAlwaysAsIdentity(sequence?: IdentitySequenceOptions): ColumnBuilder<TData, true, true, TMeta & { readonly readOnly: true }> {
    return this.identity(true, sequence);
  }

  /** `GENERATED BY DEFAULT AS IDENTITY [(...)]` (smallint, integer, bigint). Implies NOT NULL. */
  generatedByDefaultAsIdentity(sequence?: IdentitySequenceOptions): ColumnBuilder<TData, true, true, TMeta> {
    return this.identity(false, sequence);
  }

  private identity(always: boolean, sequence?: IdentitySequenceOptions): any {
    if (!this.state.integer || this.state.arrayDepth > 0) {
      throw new KilnError(
        `identity columns must be smallint, integer or bigint; this is a ${describeColumn(this.state)}.`,
      );
    }
    for (const [key, value] of Object.entries(sequence ?? {})) {
      const ok = key === "cycle" ? typeof value === "boolean" : IDENTITY_NUMBERS.includes(key) && (typeof value === "bigint" || Number.isSafeInteger(value));
      if (!ok) throw new KilnError(`the identity options of a ${describeColumn(this.state)}: ${key} must be ${key === "cycle" ? "true or false" : IDENTITY_NUMBERS.includes(key) ? "a whole number" : `one of ${[...IDENTITY_NUMBERS, "cycle"].join(", ")}`}.`);
    }
    return this.with({ identity: { always, ...(sequence && Object.keys(sequence).length > 0 ? { sequence } : {}) }, notNull: true });
  }

  /** An array of this type: integer().array() is `integer[]`. Call before .default(). */
  array(): ColumnBuilder<TData[], TNotNull, THasDefault, TMeta> {
    const s = this.state;
    if (s.default !== undefined || s.identity || s.autoIncrement) {
      throw new KilnError(
        `.array() on a ${describeColumn(s)}: call .array() right after the type (before .default()), and not on serial or identity columns.`,
      );
    }
    return this.with({ type: `${s.type}[]`, arrayDepth: s.arrayDepth + 1, integer: false });
  }

  /** Override the TypeScript type of the column's values (e.g. the shape of a jsonb document). */
  $type<T>(): ColumnBuilder<T, TNotNull, THasDefault, TMeta> {
    return this as unknown as ColumnBuilder<T, TNotNull, THasDefault, TMeta>;
  }
}

export type AnyColumnBuilder = ColumnBuilder<any, boolean, boolean, any>;

/**
 * A column placed in a table: `users.email`. `name` is the database name, `key`
 * the property name in the model. Interpolating it into sql`...` inserts its
 * quoted name.
 */
export class Column<TData = unknown, TNotNull extends boolean = boolean, THasDefault extends boolean = boolean, TMeta extends ColumnMeta = ColumnMeta>
  implements ColumnReference
{
  declare readonly $types: { data: TData; notNull: TNotNull; hasDefault: THasDefault; meta: TMeta };
  readonly [COLUMN] = true as const;
  readonly key: string;
  readonly name: string;
  readonly state: ColumnState;
  readonly #owner: () => TableIdentity;

  constructor(key: string, state: ColumnState, owner: () => TableIdentity) {
    this.key = key;
    this.name = state.name ?? key;
    this.state = state;
    this.#owner = owner;
  }

  /** The table this column belongs to (name and schema). */
  get table(): TableIdentity {
    return this.#owner();
  }
}

export type AnyColumn = Column<any, boolean, boolean, any>;

/** A table column (not a builder): branded, with its state and owning table. */
export function isColumn(value: unknown): value is AnyColumn {
  return isColumnReference(value) && "state" in value && "key" in value && "table" in value;
}

/** A fresh column of `type`, named `name` in the database (or after its key), with `extra` on top. */
export function columnState(type: string, name: string | undefined, extra: Partial<ColumnState> = {}): ColumnState {
  if (name !== undefined && (typeof name !== "string" || name === "")) {
    throw new KilnError(`a ${type} column name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
  return {
    ...(name !== undefined ? { name } : {}),
    type,
    integer: false,
    json: false,
    dateOnly: false,
    arrayDepth: 0,
    notNull: false,
    primaryKey: false,
    autoIncrement: false,
    ...extra,
  };
}

/** A numeric type in MySQL's spelling with UNSIGNED added (ZEROFILL adds its own words): for .unsigned() and .zerofill(). */
function mysqlNumber(type: string, what: string, method: string): string {
  const neutral = type.trim().toLowerCase();
  const base =
    neutral === "integer" ? "int"
    : neutral === "real" ? "float"
    : neutral === "double precision" ? "double"
    : neutral.replace(/^numeric\b/, "decimal");
  if (!/^(tinyint|smallint|mediumint|int|bigint|decimal|float|double)\b/.test(base) || / unsigned\b| zerofill\b/.test(base)) {
    throw new KilnError(`${method} applies once to a number type (smallint, integer, bigint, numeric, real, double precision, or customType("mediumint")); this column is ${type}.`);
  }
  return what === "unsigned" || what === "zerofill" ? `${base} unsigned` : base;
}
