/**
 * Citus table distribution (operations/distribution.ts) -> statements (pure).
 * Citus's functions take the table as a regclass: its quoted, qualified name
 * goes as a string literal. A change from one distribution to another is
 * undistribute_table, then the new one.
 */
import type { Distribution } from "../../../catalog/types.js";
import { KilnError } from "../../../errors.js";
import type { DistributionOperation } from "../../../operations/distribution.js";
import type { Statement } from "../../../operations/types.js";
import { quoteLiteral, tableName } from "../sql.js";

/** The statement that gives a local table `distribution` (after CREATE TABLE, or from setDistribution). */
export function distributeSql(schema: string | undefined, table: string, distribution: Distribution): Statement {
  const relation = quoteLiteral(tableName(schema, table));
  if (distribution.kind === "reference") return { sql: `SELECT create_reference_table(${relation})` };
  const where = `table ${schema ? `${schema}.` : ""}${table}`;
  if (distribution.column === "") throw new KilnError(`${where}: a distributed table needs its distribution column`);
  const args = [relation, quoteLiteral(distribution.column)];
  if (distribution.colocateWith !== undefined) args.push(`colocate_with => ${quoteLiteral(distribution.colocateWith)}`);
  if (distribution.shardCount !== undefined) {
    if (!Number.isInteger(distribution.shardCount) || distribution.shardCount < 1) {
      throw new KilnError(`${where}: shardCount must be a positive whole number, got ${String(distribution.shardCount)}`);
    }
    args.push(`shard_count => ${distribution.shardCount}`);
  }
  return { sql: `SELECT create_distributed_table(${args.join(", ")})` };
}

export function compileDistributionOperation(op: DistributionOperation): Statement[] {
  const undistribute: Statement = { sql: `SELECT undistribute_table(${quoteLiteral(tableName(op.schema, op.table))})` };
  if (op.distribution === null) return [undistribute];
  // From one distribution to another: back to a local table first (an unknown "before" is taken as local).
  return [...(op.existing ? [undistribute] : []), distributeSql(op.schema, op.table, op.distribution)];
}
