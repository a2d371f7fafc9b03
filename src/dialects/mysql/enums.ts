/**
 * MySQL has no named enum types: a column spells its values inline, ENUM('a','b').
 *
 * Revision files written for several databases still say createEnum("status", [...])
 * and then use the type "status". The registry remembers the enums created (or
 * declared by a model Catalog) so that compile can inline their values; createEnum
 * and dropEnum themselves produce no SQL. The registry lives in one dialect
 * instance, i.e. one kiln run.
 */
import type { EnumType } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";

export class EnumRegistry {
  private readonly values = new Map<string, string[]>();

  define(enumType: Pick<EnumType, "schema" | "name" | "values">): void {
    this.values.set(qualifiedName(enumType), [...enumType.values]);
  }

  drop(enumType: { schema?: string; name: string }): void {
    this.values.delete(qualifiedName(enumType));
  }

  /** Values of the enum called `name` (`schema.name` or `name`), if known. */
  lookup = (name: string): string[] | undefined => {
    return this.values.get(name);
  };

  /** A registry holding the given enums, e.g. a model Catalog's. */
  static of(enums: EnumType[]): EnumRegistry {
    const registry = new EnumRegistry();
    for (const enumType of enums) registry.define(enumType);
    return registry;
  }
}
