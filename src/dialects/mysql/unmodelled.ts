/**
 * Nothing lost in silence on MySQL/MariaDB: the objects of the compared
 * databases that kiln does not model (views, triggers, stored functions and
 * procedures, events) and the tables they use, in one query. introspect puts
 * the dependencies in Catalog.dependencies, from which autogenerate and check
 * name what a revision would leave broken or lose (autogenerate/unmodelled.ts).
 *
 * MySQL keeps no dependency catalog: a trigger belongs to its table; a view's
 * tables are read from its definition, which the server stores with every name
 * qualified by its database (`db`.`t`); a routine or event uses a table when its
 * body names it as a word (a guess that errs on the side of saying too much).
 */
import type { Dependency, ObjectRef } from "../../catalog/objects.js";
import type { Connection } from "../types.js";
import { mysqlRoutineRowsSql } from "./routines.js";
import { mysqlTriggerRowsSql } from "./triggers.js";
import { mysqlViewRowsSql } from "./views.js";

export interface MysqlObjectSurvey {
  objects: ObjectRef[];
  dependencies: Dependency[];
  /** The rows read (columns KIND, S, N, T, A, B, C, D): views.ts and triggers.ts read their objects from them. */
  rows: Record<string, unknown>[];
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `schemaOf` maps each compared database to its schema in the Catalog
 * (undefined: the default one); `tables` lists the base tables read.
 */
export async function surveyMysqlObjects(
  conn: Connection,
  schemaOf: Map<string, string | undefined>,
  tables: readonly { schema?: string; name: string }[],
): Promise<MysqlObjectSurvey> {
  const databases = [...schemaOf.keys()];
  const list = `(${databases.map(() => "?").join(", ")})`;
  const { rows: read } = await conn.query(
    `${mysqlViewRowsSql(list)}
     UNION ALL
     ${mysqlTriggerRowsSql(list)}
     UNION ALL
     ${mysqlRoutineRowsSql(list)}
     UNION ALL
     SELECT 'event', EVENT_SCHEMA, EVENT_NAME, NULL, NULL, NULL, NULL, EVENT_DEFINITION, NULL, NULL, NULL
       FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN ${list}`,
    [...databases, ...databases, ...databases, ...databases],
  );
  // The survey's own names for the columns it reads.
  const rows = read.map((row) => ({ KIND: row.KIND, DB: row.S, NAME: row.N, ON_TABLE: row.T, BODY: row.D }));
  const inSchema = (schema: string | undefined) => (schema === undefined ? {} : { schema });
  const tableKeys = new Set(tables.map((t) => `${t.schema ?? ""}\u0000${t.name}`));
  const views = new Set(rows.filter((row) => text(row.KIND) === "view").map((row) => `${schemaOf.get(text(row.DB)) ?? ""}\u0000${text(row.NAME)}`));
  const objects: ObjectRef[] = [];
  const dependencies: Dependency[] = [];
  for (const row of rows) {
    const kind = text(row.KIND);
    const schema = schemaOf.get(text(row.DB));
    const name = text(row.NAME);
    const body = text(row.BODY);
    if (kind === "trigger") {
      const trigger: ObjectRef = { kind, ...inSchema(schema), name, table: text(row.ON_TABLE) };
      objects.push(trigger);
      dependencies.push({ dependent: trigger, referenced: { kind: "table", ...inSchema(schema), name: text(row.ON_TABLE) } });
      continue;
    }
    const object: ObjectRef = { kind, ...inSchema(schema), name };
    objects.push(object);
    const used = new Map<string, ObjectRef>();
    if (kind === "view") {
      for (const match of body.matchAll(/`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`/g)) {
        const database = match[1]!.replaceAll("``", "`");
        if (!schemaOf.has(database)) continue;
        const target = { ...inSchema(schemaOf.get(database)), name: match[2]!.replaceAll("``", "`") };
        const key = `${target.schema ?? ""}\u0000${target.name}`;
        if (tableKeys.has(key)) used.set(key, { kind: "table", ...target });
        else if (views.has(key) && !(target.name === name && target.schema === schema)) used.set(key, { kind: "view", ...target });
      }
    } else {
      for (const table of tables) {
        if (table.schema !== schema) continue;
        if (new RegExp(`(^|[^\\w$])${escapeRegExp(table.name)}($|[^\\w$])`, "i").test(body)) {
          used.set(`${table.schema ?? ""}\u0000${table.name}`, { kind: "table", ...inSchema(table.schema), name: table.name });
        }
      }
    }
    for (const referenced of used.values()) dependencies.push({ dependent: object, referenced });
  }
  return { objects, dependencies, rows: read };
}
