/** Aggregate operations -> PostgreSQL statements (pure). */
import { type Aggregate, aggregateLabel, type FinalModify, type FunctionName, type OperatorName } from "../../../catalog/aggregates.js";
import { KilnError } from "../../../errors.js";
import { type AggregateOperation, operationAggregate } from "../../../operations/aggregates.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

type Signature = Pick<Aggregate, "schema" | "name" | "arguments" | "directArguments" | "kind">;

function nonEmpty(value: string | undefined, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new KilnError(`${what} is empty; give SQL text.`);
  return value;
}

function argumentSql(argument: Aggregate["arguments"][number], withName: boolean, where: string): string {
  const parts: string[] = [];
  if (argument.mode === "variadic") parts.push("VARIADIC");
  if (withName && argument.name !== undefined) parts.push(quoteIdentifier(argument.name));
  parts.push(nonEmpty(argument.type, `the type of an argument of ${where}`));
  return parts.join(" ");
}

/**
 * `(text)`, `(*)`, `(numeric ORDER BY anyelement)`: the argument list as CREATE,
 * DROP and COMMENT ON AGGREGATE write it. An ordered-set aggregate whose last
 * direct argument is also its aggregated one (aggnumdirectargs = all of them)
 * repeats it after ORDER BY, as pg_dump does.
 */
export function aggregateArgumentsSql(aggregate: Signature, withNames: boolean): string {
  const where = `aggregate ${aggregateLabel(aggregate)}`;
  const list = (items: Aggregate["arguments"]) => items.map((a) => argumentSql(a, withNames, where)).join(", ");
  if (aggregate.kind === undefined) return aggregate.arguments.length === 0 ? "(*)" : `(${list(aggregate.arguments)})`;
  const direct = aggregate.directArguments ?? 0;
  if (direct > aggregate.arguments.length || direct < 0) throw new KilnError(`${where}: ${direct} direct arguments, but it has ${aggregate.arguments.length} arguments.`);
  let ordered = aggregate.arguments.slice(direct);
  if (ordered.length === 0) {
    const last = aggregate.arguments[aggregate.arguments.length - 1];
    if (last?.mode !== "variadic") throw new KilnError(`${where}: an ${aggregate.kind} aggregate needs aggregated arguments (after ORDER BY).`);
    ordered = [{ type: last.type, mode: "variadic" }];
  }
  const head = list(aggregate.arguments.slice(0, direct));
  return `(${head === "" ? "" : `${head} `}ORDER BY ${list(ordered)})`;
}

function functionSql(fn: FunctionName): string {
  return tableName(fn.schema, fn.name);
}

const OPERATOR = /^[+\-*/<>=~!@#%^&|`?]+$/;

function operatorSql(op: OperatorName, where: string): string {
  if (!OPERATOR.test(op.name)) throw new KilnError(`${where}: ${JSON.stringify(op.name)} is not an operator name (sortop).`);
  return `OPERATOR(${op.schema !== undefined ? `${quoteIdentifier(op.schema)}.` : ""}${op.name})`;
}

function spaceSql(value: number, what: string): string {
  if (!Number.isInteger(value) || value < 0) throw new KilnError(`${what} must be a whole number of bytes, got ${JSON.stringify(value)}.`);
  return String(value);
}

function modifySql(value: FinalModify): string {
  return value.toUpperCase();
}

/** CREATE AGGREGATE, the options one a line (pure). */
export function aggregateDefinitionSql(aggregate: Aggregate): string {
  const where = `aggregate ${aggregateLabel(aggregate)}`;
  const options: string[] = [`SFUNC = ${functionSql(aggregate.sfunc)}`, `STYPE = ${nonEmpty(aggregate.stype, `the state type of ${where}`)}`];
  if (aggregate.sspace !== undefined) options.push(`SSPACE = ${spaceSql(aggregate.sspace, `${where}: sspace`)}`);
  if (aggregate.finalfunc !== undefined) options.push(`FINALFUNC = ${functionSql(aggregate.finalfunc)}`);
  if (aggregate.finalfuncExtra) options.push("FINALFUNC_EXTRA");
  if (aggregate.finalfuncModify !== undefined) options.push(`FINALFUNC_MODIFY = ${modifySql(aggregate.finalfuncModify)}`);
  if (aggregate.combinefunc !== undefined) options.push(`COMBINEFUNC = ${functionSql(aggregate.combinefunc)}`);
  if (aggregate.serialfunc !== undefined) options.push(`SERIALFUNC = ${functionSql(aggregate.serialfunc)}`);
  if (aggregate.deserialfunc !== undefined) options.push(`DESERIALFUNC = ${functionSql(aggregate.deserialfunc)}`);
  if (aggregate.initcond !== undefined) options.push(`INITCOND = ${quoteLiteral(aggregate.initcond)}`);
  if (aggregate.msfunc !== undefined) options.push(`MSFUNC = ${functionSql(aggregate.msfunc)}`);
  if (aggregate.minvfunc !== undefined) options.push(`MINVFUNC = ${functionSql(aggregate.minvfunc)}`);
  if (aggregate.mstype !== undefined) options.push(`MSTYPE = ${aggregate.mstype}`);
  if (aggregate.msspace !== undefined) options.push(`MSSPACE = ${spaceSql(aggregate.msspace, `${where}: msspace`)}`);
  if (aggregate.mfinalfunc !== undefined) options.push(`MFINALFUNC = ${functionSql(aggregate.mfinalfunc)}`);
  if (aggregate.mfinalfuncExtra) options.push("MFINALFUNC_EXTRA");
  if (aggregate.mfinalfuncModify !== undefined) options.push(`MFINALFUNC_MODIFY = ${modifySql(aggregate.mfinalfuncModify)}`);
  if (aggregate.minitcond !== undefined) options.push(`MINITCOND = ${quoteLiteral(aggregate.minitcond)}`);
  if (aggregate.sortop !== undefined) {
    if (aggregate.kind !== undefined || aggregate.arguments.length !== 1) throw new KilnError(`${where}: a sort operator is for a normal aggregate of one argument.`);
    options.push(`SORTOP = ${operatorSql(aggregate.sortop, where)}`);
  }
  if (aggregate.parallel !== undefined) options.push(`PARALLEL = ${aggregate.parallel.toUpperCase()}`);
  if (aggregate.kind === "hypothetical") options.push("HYPOTHETICAL");
  return `CREATE AGGREGATE ${tableName(aggregate.schema, aggregate.name)}${aggregateArgumentsSql(aggregate, true)} (\n    ${options.join(",\n    ")}\n)`;
}

function aggregateComment(aggregate: Signature, comment: string | null): Statement {
  return { sql: `COMMENT ON AGGREGATE ${tableName(aggregate.schema, aggregate.name)}${aggregateArgumentsSql(aggregate, false)} IS ${quoteLiteral(comment)}` };
}

export function compileAggregateOperation(op: AggregateOperation): Statement[] {
  switch (op.kind) {
    case "createAggregate": {
      const statements: Statement[] = [{ sql: aggregateDefinitionSql(op.aggregate) }];
      if (op.aggregate.comment !== undefined) statements.push(aggregateComment(op.aggregate, op.aggregate.comment));
      return statements;
    }
    case "dropAggregate": {
      const aggregate = operationAggregate(op);
      return [{ sql: `DROP AGGREGATE ${tableName(aggregate.schema, aggregate.name)}${aggregateArgumentsSql(aggregate, false)}` }];
    }
    case "commentAggregate":
      return [aggregateComment(operationAggregate(op), op.comment)];
  }
}
