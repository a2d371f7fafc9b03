/** Object operations (operations/objects.ts) -> PostgreSQL statements (pure). */
import { isGrantOperation } from "../../../operations/grants.js";
import { compileGrantOperation } from "./grants.js";
import type { ObjectOperation } from "../../../operations/objects.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";
import { addCompositeAttribute, createCompositeType, typeComment } from "./composite-types.js";
import { addDomainConstraint, alterDomain, createDomain, domainComment } from "./domains.js";
import { createRoutine, dropRoutine, replaceRoutine } from "./routines.js";
import { alterSequence, createSequence, sequenceComment } from "./sequences.js";
import { isViewOperation } from "../../../operations/views.js";
import { isCollationOperation } from "../../../operations/collations.js";
import { collationComment, compileCollationOperation } from "./collations.js";
import { compileViewOperation } from "./views.js";
import { isPolicyOperation } from "../../../operations/policies.js";
import { isDistributionOperation } from "../../../operations/distribution.js";
import { compileDistributionOperation } from "./distribution.js";
import { compilePolicyOperation } from "./policies.js";
import { isOperatorOperation } from "../../../operations/operators.js";
import { compileOperatorOperation } from "./operators.js";
import { createTrigger, dropTrigger } from "./triggers.js";
import { compileTableStorageOperation } from "./table-storage.js";
import { isAggregateOperation } from "../../../operations/aggregates.js";
import { compileAggregateOperation } from "./aggregates.js";

export function compileObjectOperation(op: ObjectOperation): Statement[] {
  if (isViewOperation(op)) return compileViewOperation(op);
  if (isPolicyOperation(op)) return compilePolicyOperation(op);
  if (isOperatorOperation(op)) return compileOperatorOperation(op);
  if (isDistributionOperation(op)) return compileDistributionOperation(op);
  if (isGrantOperation(op)) return compileGrantOperation(op);
  if (isCollationOperation(op)) return compileCollationOperation(op);
  if (isAggregateOperation(op)) return compileAggregateOperation(op);
  switch (op.kind) {
    case "createSequence":
      return createSequence(op);
    case "dropSequence":
      return [{ sql: `DROP SEQUENCE ${tableName(op.schema, op.name)}` }];
    case "alterSequence":
      return alterSequence(op);
    case "createDomain":
      return createDomain(op);
    case "dropDomain":
      return [{ sql: `DROP DOMAIN ${tableName(op.schema, op.name)}` }];
    case "alterDomain":
      return alterDomain(op);
    case "addDomainConstraint":
      return addDomainConstraint(op);
    case "dropDomainConstraint":
      return [{ sql: `ALTER DOMAIN ${tableName(op.schema, op.name)} DROP CONSTRAINT ${quoteIdentifier(op.constraint)}` }];
    case "createCompositeType":
      return createCompositeType(op);
    case "dropCompositeType":
      return [{ sql: `DROP TYPE ${tableName(op.schema, op.name)}` }];
    case "addCompositeAttribute":
      return addCompositeAttribute(op);
    case "dropCompositeAttribute":
      return [{ sql: `ALTER TYPE ${tableName(op.schema, op.name)} DROP ATTRIBUTE ${quoteIdentifier(op.attribute)}` }];
    case "createExtension": {
      const schema = op.extension.schema ?? "public";
      return [{ sql: `CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(op.extension.name)} WITH SCHEMA ${quoteIdentifier(schema)}` }];
    }
    case "dropExtension":
      return [{ sql: `DROP EXTENSION ${quoteIdentifier(op.name)}` }];
    case "createFunction":
    case "createProcedure":
      return createRoutine(op);
    case "replaceFunction":
    case "replaceProcedure":
      return replaceRoutine(op);
    case "dropFunction":
    case "dropProcedure":
      return dropRoutine(op);
    case "createTrigger":
      return createTrigger(op);
    case "dropTrigger":
      return dropTrigger(op);
    case "setComment":
      switch (op.target) {
        case "sequence":
          return [sequenceComment(op.schema, op.name, op.comment)];
        case "domain":
          return [domainComment(op.schema, op.name, op.comment)];
        case "type":
          return [typeComment(op.schema, op.name, op.comment)];
        case "view":
        case "materialized view":
          return [{ sql: `COMMENT ON ${op.target.toUpperCase()} ${tableName(op.schema, op.name)} IS ${quoteLiteral(op.comment)}` }];
        case "index":
          return [{ sql: `COMMENT ON INDEX ${tableName(op.schema, op.name)} IS ${quoteLiteral(op.comment)}` }];
        case "collation":
          return [collationComment(op.schema, op.name, op.comment)];
        case "schema":
          return [{ sql: `COMMENT ON SCHEMA ${quoteIdentifier(op.name)} IS ${quoteLiteral(op.comment)}` }];
        case "constraint":
          return [{ sql: `COMMENT ON CONSTRAINT ${quoteIdentifier(op.name)} ON ${tableName(op.schema, op.table ?? "")} IS ${quoteLiteral(op.comment)}` }];
      }
      break;
    case "setLogged":
    case "setTableStorage":
    case "setClusterOn":
    case "setStatistics":
    case "setIndexStatistics":
      return compileTableStorageOperation(op);
  }
}
