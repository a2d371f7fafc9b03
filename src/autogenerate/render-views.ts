/** View operations (operations/views.ts) -> `await op.x(...)` calls and summary lines (pure). */
import type { View } from "../catalog/views.js";
import type { ViewOperation } from "../operations/views.js";
import { defined, formatCall, formatValue, withOptions } from "./format.js";
import { createIndexCall } from "./render.js";

function hasEntries(record: Record<string, string> | undefined): Record<string, string> | undefined {
  return record && Object.keys(record).length > 0 ? record : undefined;
}

function viewOptions(view: View): Record<string, unknown> {
  return {
    schema: view.schema,
    columns: view.columnNames && view.columnNames.length > 0 ? view.columnNames : undefined,
    checkOption: view.checkOption,
    securityBarrier: view.securityBarrier || undefined,
    securityInvoker: view.securityInvoker || undefined,
    algorithm: view.algorithm,
    withNoData: view.materialized ? view.withNoData || undefined : undefined,
    comment: view.comment,
    columnComments: hasEntries(view.columnComments),
    sql: view.sql,
  };
}

/**
 * `await op.createView(name, query, options);` where a query of several lines
 * is written one line per string, joined with `+`, so a reviewer reads it as
 * SQL (and indenting the revision body cannot change it).
 */
function viewCall(method: string, view: View): string {
  const options = defined(viewOptions(view));
  if (!view.definition.includes("\n")) return formatCall(method, withOptions([view.name, view.definition], viewOptions(view)));
  const lines = view.definition.split("\n");
  const query = lines.map((line, i) => JSON.stringify(i < lines.length - 1 ? `${line}\n` : line)).join(" +\n  ");
  const rest = options ? `,\n  ${formatValue(options, "  ", 2)}` : "";
  return `await op.${method}(\n  ${JSON.stringify(view.name)},\n  ${query}${rest},\n);`;
}

export function renderViewCall(op: ViewOperation): string[] {
  switch (op.kind) {
    case "createView":
    case "replaceView":
      return [viewCall(op.kind, op.view)];
    case "createMaterializedView": {
      const v = op.view;
      // Its indexes are indexes on the view: op.createIndex, as for a table.
      const indexes = (v.indexes ?? []).map((index) => createIndexCall(index.name ?? "", v.name, v.schema, index, undefined, index.name === v.clusterOn));
      return [viewCall("createMaterializedView", { ...v, materialized: true }), ...indexes];
    }
    case "dropView":
    case "dropMaterializedView":
      return [formatCall(op.kind, withOptions([op.name], { schema: op.schema }))];
    case "refreshMaterializedView":
      return [formatCall("refreshMaterializedView", withOptions([op.name], { schema: op.schema, concurrently: op.concurrently, withNoData: op.withNoData }))];
  }
}

function at(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function summarizeViewOperation(op: ViewOperation): string {
  switch (op.kind) {
    case "createView":
      return `+ view ${at(op.view.schema, op.view.name)}`;
    case "replaceView":
      return `~ view ${at(op.view.schema, op.view.name)}: new definition (CREATE OR REPLACE)`;
    case "dropView":
      return `- view ${at(op.schema, op.name)}`;
    case "createMaterializedView":
      return `+ materialized view ${at(op.view.schema, op.view.name)}${op.view.withNoData ? " (WITH NO DATA)" : ""}`;
    case "dropMaterializedView":
      return `- materialized view ${at(op.schema, op.name)}`;
    case "refreshMaterializedView":
      return `~ materialized view ${at(op.schema, op.name)}: refresh${op.concurrently ? " concurrently" : ""}`;
  }
}
