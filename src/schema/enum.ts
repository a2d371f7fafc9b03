/**
 * enumType("status", ["draft", "active"], { schema? }): a database enum type.
 * The result is a column factory (`status()` or `status("db_name")`) that also
 * carries `.name`, `.schema` and `.values`. Columns of the type read as the
 * union of its values.
 */
import { KilnError } from "../errors.js";
import { ENUM } from "./brand.js";
import { ColumnBuilder, columnState, type EnumDefinition, type NamedMeta } from "./column.js";

export interface EnumType<TValue extends string = string> {
  <const N extends string | undefined = undefined>(columnName?: N): ColumnBuilder<TValue, false, false, NamedMeta<N>>;
  readonly name: string;
  readonly schema?: string;
  readonly values: readonly TValue[];
  readonly [ENUM]: EnumDefinition;
}

export interface EnumOptions {
  schema?: string;
  /** COMMENT ON TYPE. */
  comment?: string;
}

export function enumType<const V extends readonly [string, ...string[]]>(
  name: string,
  values: V,
  options: EnumOptions = {},
): EnumType<V[number]> {
  if (typeof name !== "string" || name === "") {
    throw new KilnError(`enumType(name, values): the name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== "string")) {
    throw new KilnError(`enumType("${name}", values): values must be a non-empty array of strings.`);
  }
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined) {
    throw new KilnError(`enumType("${name}", values): the value "${repeated}" appears more than once.`);
  }
  if (options.schema !== undefined && (typeof options.schema !== "string" || options.schema === "")) {
    throw new KilnError(`enumType("${name}"): schema must be a non-empty string.`);
  }
  const definition: EnumDefinition = Object.freeze({
    name,
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    values: Object.freeze([...values]),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
  });
  const type = definition.schema ? `${definition.schema}.${name}` : name;

  const factory = (columnName?: string) => new ColumnBuilder<V[number]>(columnState(type, columnName, { enum: definition }));
  Object.defineProperty(factory, "name", { value: name });
  Object.defineProperty(factory, "schema", { value: definition.schema, enumerable: true });
  Object.defineProperty(factory, "values", { value: definition.values, enumerable: true });
  Object.defineProperty(factory, ENUM, { value: definition });
  return factory as unknown as EnumType<V[number]>;
}

export function isEnumType(value: unknown): value is EnumType {
  return typeof value === "function" && typeof (value as { [ENUM]?: unknown })[ENUM] === "object";
}
