/**
 * Column type factories. The first string argument, when given, is the database
 * column name; without it the property key in the table is used as-is.
 *
 * TypeScript value types follow what node-postgres returns by default:
 * bigint/bigserial and numeric are strings (they do not fit a JS number
 * exactly), timestamp and date are Date, json/jsonb are `unknown` (narrow with
 * `.$type<T>()`), bytea is Buffer, interval and time are strings.
 */
import { KilnError } from "../errors.js";
import { ColumnBuilder, columnState as state, type NamedMeta, type NumberTextMeta, type SerialSequenceOptions } from "./column.js";


/** (name?, options?) where the name may be left out. */
function args<O>(a: string | O | undefined, b: O | undefined): [string | undefined, O | undefined] {
  if (typeof a === "string") return [a, b];
  if (b !== undefined) {
    throw new KilnError(
      `column options were given twice (${JSON.stringify(a)} and ${JSON.stringify(b)}); the first argument, when there are two, is the column name.`,
    );
  }
  return [undefined, a];
}

function positiveInteger(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) {
    throw new KilnError(`${what} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

export const smallint = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<number, false, false, NamedMeta<N>>(state("smallint", name, { integer: true }));
export const integer = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<number, false, false, NamedMeta<N>>(state("integer", name, { integer: true }));
/** Values are strings: a PostgreSQL bigint does not fit a JS number exactly. */
export const bigint = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<string, false, false, NamedMeta<N> & NumberTextMeta>(state("bigint", name, { integer: true }));

/** The options of a serial column's sequence, checked. */
function serialState(type: string, name: string | undefined, sequence: SerialSequenceOptions | undefined) {
  const extra: Partial<ReturnType<typeof state>> = { autoIncrement: true, notNull: true };
  if (sequence !== undefined && Object.keys(sequence).length > 0) {
    for (const [key, value] of Object.entries(sequence)) {
      const ok =
        key === "as" ? ["smallint", "integer", "bigint"].includes(value as string)
        : key === "cycle" || key === "unlogged" ? typeof value === "boolean"
        : ["start", "increment", "minValue", "maxValue", "cache"].includes(key) && (typeof value === "bigint" || Number.isSafeInteger(value));
      if (!ok) throw new KilnError(`the sequence options of a serial ${type} column: ${key} ${key === "as" ? 'must be "smallint", "integer" or "bigint"' : key === "cycle" || key === "unlogged" ? "must be true or false" : "is not a whole-number option (start, increment, minValue, maxValue, cache, cycle, unlogged, as)"}.`);
    }
    return state(type, name, { ...extra, serialSequence: { ...sequence } });
  }
  return state(type, name, extra);
}

/**
 * Auto-incrementing integer backed by a sequence (PostgreSQL serial, MySQL AUTO_INCREMENT). NOT NULL.
 * The sequence's options may follow the name: serial("id", { as: "bigint", start: 1000 }).
 */
export const serial = <const N extends string | undefined = undefined>(name?: N, sequence?: SerialSequenceOptions) => new ColumnBuilder<number, true, true, NamedMeta<N>>(serialState("integer", name, sequence));
export const smallserial = <const N extends string | undefined = undefined>(name?: N, sequence?: SerialSequenceOptions) => new ColumnBuilder<number, true, true, NamedMeta<N>>(serialState("smallint", name, sequence));
export const bigserial = <const N extends string | undefined = undefined>(name?: N, sequence?: SerialSequenceOptions) => new ColumnBuilder<string, true, true, NamedMeta<N> & NumberTextMeta>(serialState("bigint", name, sequence));

export interface NumericOptions {
  precision?: number;
  scale?: number;
}

/** Exact decimal; values are strings to keep every digit. numeric({ precision: 10, scale: 2 }) is `numeric(10,2)`. */
export function numeric<const N extends string | undefined = undefined>(nameOrOptions?: N | NumericOptions, options?: NumericOptions) {
  const [name, opts = {}] = args<NumericOptions>(nameOrOptions, options);
  const precision = positiveInteger(opts.precision, "numeric precision");
  if (opts.scale !== undefined && (!Number.isInteger(opts.scale) || opts.scale < 0)) {
    throw new KilnError(`numeric scale must be a non-negative integer, got ${JSON.stringify(opts.scale)}.`);
  }
  if (opts.scale !== undefined && precision === undefined) {
    throw new KilnError("numeric({ scale }) needs a precision as well, e.g. numeric({ precision: 10, scale: 2 }).");
  }
  const type = precision === undefined ? "numeric" : opts.scale === undefined ? `numeric(${precision})` : `numeric(${precision},${opts.scale})`;
  return new ColumnBuilder<string, false, false, NamedMeta<N> & NumberTextMeta>(state(type, name));
}

export const real = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<number, false, false, NamedMeta<N>>(state("real", name));
export const doublePrecision = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<number, false, false, NamedMeta<N>>(state("double precision", name));
export const boolean = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<boolean, false, false, NamedMeta<N>>(state("boolean", name));
export const text = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<string, false, false, NamedMeta<N>>(state("text", name));

export type LengthOption = number | { length?: number };

function lengthArgs(a: string | LengthOption | undefined, b: LengthOption | undefined, type: string) {
  const [name, option] = args(a, b);
  const length = typeof option === "number" ? option : option?.length;
  return { name, length: positiveInteger(length, `${type} length`) };
}

/** varchar(200), varchar("col", 200), varchar("col", { length: 200 }); without a length: unbounded `varchar`. */
export function varchar<const N extends string | undefined = undefined>(nameOrLength?: N | LengthOption, length?: LengthOption) {
  const { name, length: n } = lengthArgs(nameOrLength, length, "varchar");
  return new ColumnBuilder<string, false, false, NamedMeta<N>>(state(n === undefined ? "varchar" : `varchar(${n})`, name));
}

/** Fixed-length text; char() without a length is char(1), as in SQL. */
export function char<const N extends string | undefined = undefined>(nameOrLength?: N | LengthOption, length?: LengthOption) {
  const { name, length: n } = lengthArgs(nameOrLength, length, "char");
  return new ColumnBuilder<string, false, false, NamedMeta<N>>(state(`char(${n ?? 1})`, name));
}

export interface TimeOptions {
  withTimezone?: boolean;
  /** Fractional seconds digits (0-6). */
  precision?: number;
}

function timeType(base: string, opts: TimeOptions): string {
  const type = opts.withTimezone ? `${base}tz` : base;
  if (opts.precision === undefined) return type;
  if (!Number.isInteger(opts.precision) || opts.precision < 0 || opts.precision > 6) {
    throw new KilnError(`${base} precision must be an integer from 0 to 6, got ${JSON.stringify(opts.precision)}.`);
  }
  return `${type}(${opts.precision})`;
}

/** Calendar date. Values are Date (node-postgres parses dates at local midnight). */
export const date = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<Date, false, false, NamedMeta<N>>(state("date", name, { dateOnly: true }));

/** Time of day: `time`, or `timetz` with { withTimezone: true }. Values are strings. */
export function time<const N extends string | undefined = undefined>(nameOrOptions?: N | TimeOptions, options?: TimeOptions) {
  const [name, opts = {}] = args<TimeOptions>(nameOrOptions, options);
  return new ColumnBuilder<string, false, false, NamedMeta<N>>(state(timeType("time", opts), name));
}

/** `timestamp`, or `timestamptz` with { withTimezone: true }. Values are Date. */
export function timestamp<const N extends string | undefined = undefined>(nameOrOptions?: N | TimeOptions, options?: TimeOptions) {
  const [name, opts = {}] = args<TimeOptions>(nameOrOptions, options);
  return new ColumnBuilder<Date, false, false, NamedMeta<N>>(state(timeType("timestamp", opts), name));
}

/**
 * A date and time without a time zone, MySQL's DATETIME: `datetime()` is DATETIME
 * (whole seconds, MySQL's default), `datetime({ precision: 3 })` DATETIME(3). The
 * same as timestamp({ precision }) (PostgreSQL timestamp(p)); values are Date.
 */
export function datetime<const N extends string | undefined = undefined>(nameOrOptions?: N | { precision?: number }, options?: { precision?: number }) {
  const [name, opts = {}] = args<{ precision?: number }>(nameOrOptions, options);
  return new ColumnBuilder<Date, false, false, NamedMeta<N>>(state(timeType("timestamp", { precision: opts.precision ?? 0 }), name));
}

/** Values are strings such as '1 day' (node-postgres returns an interval object unless a type parser is set). */
export const interval = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<string, false, false, NamedMeta<N>>(state("interval", name));
export const uuid = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<string, false, false, NamedMeta<N>>(state("uuid", name));
/** Values are `unknown`; narrow with .$type<MyShape>(). Defaults are written as JSON text. */
export const json = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<unknown, false, false, NamedMeta<N>>(state("json", name, { json: true }));
export const jsonb = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<unknown, false, false, NamedMeta<N>>(state("jsonb", name, { json: true }));
/**
 * Any type the other factories do not name, written as the database spells it:
 * customType("tsvector"), customType("point"), customType('"char"'),
 * customType("app.money_amount") (a domain), customType("public.cube") (an
 * extension's type); `.array()` for arrays. Values are typed `T` (default string).
 */
export function customType<T = string, const N extends string | undefined = undefined>(type: string, name?: N) {
  if (typeof type !== "string" || type.trim() === "") {
    throw new KilnError(`customType(...) needs the type as the database spells it, e.g. customType("tsvector"), got ${JSON.stringify(type)}.`);
  }
  // An integer type of the database's own (MySQL `int unsigned`, `mediumint`) may be an identity column.
  const integer = /^(tinyint|smallint|mediumint|int|integer|bigint)\b(?!.*\[\])/i.test(type.trim());
  return new ColumnBuilder<T, false, false, NamedMeta<N>>(state(type.trim(), name, { integer }));
}

export const bytea = <const N extends string | undefined = undefined>(name?: N) => new ColumnBuilder<Buffer, false, false, NamedMeta<N>>(state("bytea", name));
