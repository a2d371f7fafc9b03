/**
 * The columns of the models' views, for `kiln types --kysely`: the Catalog keeps
 * a view's query and column names, not its column types. A kiln view's declared
 * `columns` give them; a Drizzle pgView's selected fields are table columns
 * (typed as the Drizzle reader types a table's) or aliased SQL (unknown).
 */
import { qualifiedName } from "../catalog/types.js";
import { columnName, type Casing } from "../drizzle/common.js";
import { drizzleKind, loadDrizzle } from "../drizzle/load.js";
import { pgColumnType } from "../drizzle/pg.js";
import { isColumn } from "../schema/column.js";
import { isView } from "../schema/views.js";

export interface ViewColumn {
  name: string;
  /** The Catalog's type of the column; undefined: unknown. */
  type?: string;
  nullable: boolean;
}

const key = (name: string, schema: string | undefined) => qualifiedName(schema === undefined || schema === "public" ? { name } : { name, schema });

/** View columns by the view's qualified name. */
export async function viewColumns(modules: Record<string, unknown>[], files: string[], casing?: Casing): Promise<Map<string, ViewColumn[]>> {
  const found = new Map<string, ViewColumn[]>();
  const drizzleViews: unknown[] = [];
  for (const module of modules) {
    for (const value of Object.values(module ?? {})) {
      if (isView(value)) {
        const columns = Object.values(value).filter(isColumn).map((c) => ({ name: c.name, type: c.state.type, nullable: !c.state.notNull }));
        if (columns.length > 0) found.set(key(value.$name, value.$schema), columns);
      } else if (drizzleKind(value) === "PgView" || drizzleKind(value) === "PgMaterializedView") {
        drizzleViews.push(value);
      }
    }
  }
  if (drizzleViews.length === 0) return found;
  const drizzle = await loadDrizzle(files);
  for (const value of drizzleViews) {
    const config = drizzleKind(value) === "PgView" ? drizzle.pg.getViewConfig(value) : drizzle.pg.getMaterializedViewConfig(value);
    const columns: ViewColumn[] = [];
    // A selected column is the table's column rebound to the view: its own name, type and NOT NULL.
    for (const [field, selected] of Object.entries(config.selectedFields as Record<string, any>)) {
      if (drizzle.orm.is(selected, drizzle.orm.Column)) {
        columns.push({ name: columnName(selected, casing), type: pgColumnType(drizzle, selected), nullable: !selected.notNull });
      } else {
        // sql`...`.as("alias"): the alias names the column; its type is the database's to say.
        columns.push({ name: typeof selected?.fieldAlias === "string" ? selected.fieldAlias : field, nullable: true });
      }
    }
    found.set(key(config.name, config.schema), columns);
  }
  return found;
}
