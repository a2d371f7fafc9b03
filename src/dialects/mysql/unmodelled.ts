/**
 * Nothing lost in silence on MySQL/MariaDB: the objects of the compared
 * databases that kiln does not model (views, triggers, stored functions and
 * procedures, events) and what they depend on, in a fixed number of queries.
 *
 * MySQL keeps no dependency catalog: a trigger belongs to its table; a view's
 * tables are read from its definition, which the server stores with every
 * table name qualified by its database (`db`.`t`); routine and event bodies
 * are not parsed (they are named, without dependencies).
 */
import type { Dependency, ObjectRef } from "../../catalog/objects.js";
import type { Connection, IntrospectOptions } from "../types.js";
import { serverInfo } from "./introspect.js";

export interface MysqlObjectSurvey {
  objects: ObjectRef[];
  dependencies: Dependency[];
  unlistedSchemas: { schema: string; tables: number }[];
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/** Tables and views a view definition names as `db`.`name`, in the compared databases. */
function viewReferences(definition: string, schemaOf: Map<string, string | undefined>): { schema?: string; name: string }[] {
  const found = new Map<string, { schema?: string; name: string }>();
  for (const match of definition.matchAll(/`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`/g)) {
    const database = match[1]!.replaceAll("``", "`");
    const name = match[2]!.replaceAll("``", "`");
    if (!schemaOf.has(database)) continue;
    const schema = schemaOf.get(database);
    found.set(`${database}\u0000${name}`, schema === undefined ? { name } : { schema, name });
  }
  return [...found.values()];
}

export async function surveyMysqlObjects(conn: Connection, options: IntrospectOptions = {}): Promise<MysqlObjectSurvey> {
  const server = await serverInfo(conn);
  const schemaOf = new Map<string, string | undefined>([[server.database, undefined]]);
  for (const schema of options.schemas ?? []) if (schema !== server.database) schemaOf.set(schema, schema);
  const databases = [...schemaOf.keys()];
  const list = `(${databases.map(() => "?").join(", ")})`;
  const [views, triggers, routines, events, tables] = await Promise.all([
    conn.query(`SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN ${list}`, databases),
    conn.query(`SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN ${list}`, databases),
    conn.query(`SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN ${list}`, databases),
    conn.query(`SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN ${list}`, databases),
    conn.query(`SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ${list}`, databases),
  ]);
  const inSchema = (database: string) => {
    const schema = schemaOf.get(database);
    return schema === undefined ? {} : { schema };
  };
  const objects: ObjectRef[] = [];
  const dependencies: Dependency[] = [];
  const kindOf = new Map<string, "table" | "view">();
  for (const row of tables.rows) kindOf.set(`${text(row.TABLE_SCHEMA)}\u0000${text(row.TABLE_NAME)}`, text(row.TABLE_TYPE) === "VIEW" ? "view" : "table");

  for (const row of views.rows) {
    const view: ObjectRef = { kind: "view", ...inSchema(text(row.TABLE_SCHEMA)), name: text(row.TABLE_NAME) };
    objects.push(view);
    for (const referenced of viewReferences(text(row.VIEW_DEFINITION), schemaOf)) {
      const database = referenced.schema ?? server.database;
      const kind = kindOf.get(`${database}\u0000${referenced.name}`);
      if (kind && !(kind === "view" && referenced.name === view.name && referenced.schema === view.schema)) {
        dependencies.push({ dependent: view, referenced: { kind, ...referenced } });
      }
    }
  }
  for (const row of triggers.rows) {
    const schema = inSchema(text(row.TRIGGER_SCHEMA));
    const table = text(row.EVENT_OBJECT_TABLE);
    const trigger: ObjectRef = { kind: "trigger", ...schema, name: text(row.TRIGGER_NAME), table };
    objects.push(trigger);
    dependencies.push({ dependent: trigger, referenced: { kind: "table", ...schema, name: table } });
  }
  for (const row of routines.rows) {
    objects.push({ kind: text(row.ROUTINE_TYPE) === "PROCEDURE" ? "procedure" : "function", ...inSchema(text(row.ROUTINE_SCHEMA)), name: text(row.ROUTINE_NAME) });
  }
  for (const row of events.rows) objects.push({ kind: "event", ...inSchema(text(row.EVENT_SCHEMA)), name: text(row.EVENT_NAME) });
  // Other databases on the server belong to other applications as often as not: they are not "unlisted schemas".
  return { objects, dependencies, unlistedSchemas: [] };
}
