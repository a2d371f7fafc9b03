/**
 * What every pulled-model writer shares: the Catalog, the naming convention the
 * models rely on, the export name of each object, the property keys of each
 * table's columns, and a Declaration shape each writer returns.
 */
import type { Catalog, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import type { NamingConvention } from "../config/types.js";
import type { IdentifierLimit } from "../dialects/types.js";
import { resolveNaming, type NameParts, type NamingKind } from "../schema/naming.js";
import { camelCase, NameScope, propertyKeys } from "./names.js";
import { templateName } from "./naming.js";
import { declaredSchemas } from "./schemas.js";
import { routineKey } from "./routines.js";
import { aggregateKey } from "./aggregates.js";
import { grantExportKey, grantWords } from "./grants.js";
import { operatorExportKey } from "./operators.js";
import { isRevokedDefault } from "../catalog/grants.js";

/** One exported object of the models: its code and what it needs. */
export interface Declaration {
  /** The kind's key: `table`, `enum`, `domain`, ... with the qualified name (for file placement). */
  kind: DeclarationKind;
  schema?: string;
  name: string;
  exportName: string;
  /** The statement(s), starting with `export const`. */
  code: string;
  /** Names imported from kiln-migrate/schema. */
  imports: Set<string>;
  /** Export names of other declarations the code uses. */
  uses: Set<string>;
  /** Uses evaluated when the module runs (types of columns, a partition's parent): they must come first. */
  eager: Set<string>;
}

export type DeclarationKind = "schema" | "view" | "policy" | "routine" | "aggregate" | "trigger" | "operator" | "extension" | "collation" | "enum" | "domain" | "compositeType" | "sequence" | "table" | "grant";

/** Lines of warning for the user: what the pulled models cannot say. */
export type Notes = string[];

export interface PullOptions {
  /** The database's identifier limit (Dialect.identifierLimit), null for none. */
  limit: IdentifierLimit | null;
  /** The naming convention the models rely on (what pull writes into the config). */
  naming: NamingConvention;
  /** The database's spelling of a type -> the type to write in the models (Dialect.modelType); default: the same. */
  modelType?: (databaseType: string) => string;
  /** The string a default's text is the plain literal of, for a column of that type (Dialect.stringDefault). */
  stringDefault?: (text: string, type: string) => string | undefined;
}

export class PullContext {
  readonly naming: Required<NamingConvention>;
  readonly notes: Notes = [];
  readonly #exports = new Map<string, string>();
  readonly #keys = new Map<string, Map<string, string>>();
  readonly #tables = new Map<string, Table>();

  constructor(
    readonly catalog: Catalog,
    readonly options: PullOptions,
    /** Names imported from kiln-migrate/schema that an export must not shadow. */
    dslNames: Iterable<string>,
  ) {
    this.naming = resolveNaming(options.naming);
    const scope = new NameScope(dslNames);
    const claim = (kind: string, o: { schema?: string; name: string }, suffix: string) => {
      const camel = camelCase(o.name);
      const candidates = [camel, o.schema ? camelCase(`${o.schema}_${o.name}`) : "", camel ? `${camel}${suffix}` : ""].filter(Boolean);
      this.#exports.set(`${kind}:${qualifiedName(o)}`, scope.claim(candidates, kind));
    };
    // Tables first: they are what a reader looks for by name.
    for (const t of catalog.tables) {
      claim("table", t, "Table");
      this.#tables.set(qualifiedName(t), t);
      const keys = propertyKeys(t.columns.map((c) => c.name));
      this.#keys.set(qualifiedName(t), new Map(t.columns.map((c, i) => [c.name, keys[i]!])));
    }
    for (const v of catalog.views ?? []) claim("view", v, "View");
    for (const e of catalog.enums) claim("type", e, "Enum");
    for (const d of catalog.domains ?? []) claim("type", d, "Domain");
    for (const c of catalog.compositeTypes ?? []) claim("type", c, "Type");
    for (const s of catalog.sequences ?? []) claim("sequence", s, "Seq");
    for (const x of catalog.extensions ?? []) claim("extension", { name: x.name }, "Extension");
    for (const c of catalog.collations ?? []) claim("collation", c, "Collation");
    for (const name of declaredSchemas(catalog)) claim("schema", { name }, "Schema");
    // Aggregates before functions: `group_concat` keeps its name over its state function `_group_concat`.
    for (const a of catalog.aggregates ?? []) {
      const key = { schema: a.schema, name: aggregateKey(a) };
      this.#exports.set(`aggregate:${qualifiedName(key)}`, scope.claim([camelCase(a.name), a.schema ? camelCase(`${a.schema}_${a.name}`) : "", `${camelCase(a.name)}Aggregate`].filter(Boolean), "aggregate"));
    }
    for (const r of catalog.routines ?? []) {
      const key = { schema: r.schema, name: routineKey(r) };
      this.#exports.set(`routine:${qualifiedName(key)}`, scope.claim([camelCase(r.name), r.schema ? camelCase(`${r.schema}_${r.name}`) : "", `${camelCase(r.name)}Fn`].filter(Boolean), "routine"));
    }
    for (const t of catalog.triggers ?? []) {
      const key = { schema: t.schema, name: `${t.table}.${t.name}` };
      this.#exports.set(`trigger:${qualifiedName(key)}`, scope.claim([camelCase(t.name), camelCase(`${t.table}_${t.name}`), `${camelCase(t.name)}Trigger`].filter(Boolean), "trigger"));
    }
    // An operator's name is a symbol: the export is named after its function.
    for (const o of catalog.operators ?? []) {
      const fn = camelCase(o.function.name);
      this.#exports.set(`operator:${qualifiedName(operatorExportKey(o))}`, scope.claim([fn ? `${fn}Operator` : ""].filter(Boolean), "operator"));
    }
    // A policy's name is unique per table: the export is named after both.
    for (const p of catalog.policies ?? []) {
      const o = { schema: p.schema, name: `${p.table}.${p.name}` };
      this.#exports.set(`policy:${qualifiedName(o)}`, scope.claim([camelCase(p.name), camelCase(`${p.table}_${p.name}`), `${camelCase(p.name)}Policy`].filter(Boolean), "policy"));
    }
    // A grant is one object (or column) and role: named after both; privileges held WITH GRANT OPTION are a second export.
    for (const g of catalog.grants ?? []) {
      const key = qualifiedName(grantExportKey(g));
      const words = camelCase(grantWords(g));
      this.#exports.set(`grant:${key}`, scope.claim([`${words}${isRevokedDefault(g) ? "Revoked" : "Grant"}`], "grant"));
      if ((g.withGrantOption ?? []).length > 0 && g.withGrantOption!.length < g.privileges.length) {
        this.#exports.set(`grantOption:${key}`, scope.claim([`${words}GrantOption`], "grant"));
      }
    }
  }

  /** The export name of a table, a type (enum, domain, composite type), a sequence or an extension; undefined when not pulled. */
  exportName(kind: "schema" | "collation" | "view" | "policy" | "routine" | "aggregate" | "trigger" | "operator" | "table" | "type" | "sequence" | "extension" | "grant" | "grantOption", o: { schema?: string; name: string }): string | undefined {
    return this.#exports.get(`${kind}:${qualifiedName(o)}`);
  }

  table(schema: string | undefined, name: string): Table | undefined {
    return this.#tables.get(qualifiedName({ schema, name }));
  }

  /** The property key of a column of a pulled table. */
  key(table: { schema?: string; name: string }, column: string): string {
    const keys = this.#keys.get(qualifiedName(table));
    // A view's columns are reached by their names (materializedView's index callback).
    if (keys === undefined) return column;
    const key = keys.get(column);
    if (key === undefined) throw new Error(`pull: no column ${column} in ${qualifiedName(table)}`);
    return key;
  }

  /** True when the naming convention gives exactly this name (so the model leaves it out). */
  conventional(kind: NamingKind, name: string | undefined, parts: NameParts): boolean {
    if (name === undefined) return true;
    return templateName(kind, this.naming[kind], parts, this.options.limit) === name;
  }

  /** True when `template` gives exactly this name. */
  conventionalName(name: string, template: string, parts: NameParts): boolean {
    return templateName("ix", template, parts, this.options.limit) === name;
  }

  /** The type as the models write it (the dialect may spell the database's type in kiln's vocabulary). */
  modelType(type: string): string {
    return this.options.modelType?.(type) ?? type;
  }
}

export function declaration(kind: DeclarationKind, o: { schema?: string; name: string }, exportName: string): Declaration {
  return { kind, ...(o.schema !== undefined ? { schema: o.schema } : {}), name: o.name, exportName, code: "", imports: new Set(), uses: new Set(), eager: new Set() };
}
