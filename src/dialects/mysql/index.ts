/**
 * The MySQL/MariaDB dialect (mysql:// and mariadb:// URLs).
 *
 * Differences from PostgreSQL that users notice:
 * - DDL commits implicitly (transactionalDDL false): a failed step leaves its
 *   earlier statements applied.
 * - No named enum types: createEnum/dropEnum compile to nothing and remember the
 *   values so that columns typed with the enum's name get ENUM('a','b') inline
 *   (the memory lives in this dialect object, i.e. one kiln process).
 *   Autogenerate never needs it: canonicalize() and introspect() both spell
 *   enum columns inline.
 * - A "schema" is a database.
 */
import { randomSuffix, serverScratch } from "../scratch.js";
import type { Dialect } from "../types.js";
import { mysqlBookkeepingDDL, mysqlIsAlreadyApplied, mysqlJournalDDL } from "./bookkeeping.js";
import { canonicalizeMysql } from "./canonicalize.js";
import { compileOperation, type CompileContext, type MysqlFlavor } from "./compile.js";
import { connectMysql } from "./connect.js";
import { MYSQL_FEATURES } from "./compile.js";
import { EnumRegistry } from "./enums.js";
import { introspectMysql } from "./introspect.js";
import { mysqlOperationNotes } from "./notes.js";
import { isMysqlLockTimeout, mysqlStepSettings } from "./limits.js";
import { acquireMysqlLock, mysqlLockKey } from "./lock.js";
import { BACKSLASH_ESCAPES_SQL, MYSQL_IDENTIFIER_LIMIT, placeholder, quoteIdentifier, quoteLiteral, tableName } from "./quote.js";
import { listMysqlTables, surveyMysqlTables } from "./survey.js";

export interface MysqlDialectOptions {
  /**
   * "mariadb" reports MySQL-8-only features (expression indexes) as a KilnError at
   * compile time; "mysql" (the default) emits them and lets MariaDB refuse.
   */
  flavor?: MysqlFlavor;
}

export function createMysqlDialect(options: MysqlDialectOptions = {}): Dialect {
  const flavor = options.flavor ?? "mysql";
  const context: CompileContext = { enums: new EnumRegistry(), flavor };
  const dialect: Dialect = {
    name: "mysql",
    identifierLimit: MYSQL_IDENTIFIER_LIMIT,
    indexNamesPerTable: true,
    foreignKeysNeedIndex: true,
    replacesAnyView: true,
    routinesByName: true,
    indexesInCreationOrder: true,
    generationInPlace: true,
    viewsKeepAlteredColumns: true,
    readsObjectKinds: ["view", "trigger", "function", "procedure"],
    transactionalDDL: false,
    schemaTargets: "database",
    indexConstraintFeatures: MYSQL_FEATURES,
    beginSql: "START TRANSACTION",
    connect: connectMysql,
    quoteIdentifier,
    quoteLiteral,
    placeholder,
    tableName,
    compile: (op) => compileOperation(op, context),
    bookkeepingDDL: mysqlBookkeepingDDL,
    // Session settings (MySQL has no SET LOCAL): the same for both scopes, nothing to reset.
    stepSettings: mysqlStepSettings,
    scriptPreamble: [BACKSLASH_ESCAPES_SQL],
    isLockTimeout: isMysqlLockTimeout,
    surveyTables: surveyMysqlTables,
    listTables: listMysqlTables,
    // 1142 ER_TABLEACCESS_DENIED_ERROR, 1044 ER_DBACCESS_DENIED_ERROR, 1227 ER_SPECIFIC_ACCESS_DENIED_ERROR.
    isPermissionDenied: (error) => [1142, 1044, 1227].includes(Number((error as { errno?: unknown } | null)?.errno)),
    lockKey: mysqlLockKey,
    // 1146 ER_NO_SUCH_TABLE, 1049 ER_BAD_DB_ERROR (the named database does not exist).
    isMissingTable: (error) => [1146, 1049].includes(Number((error as { errno?: unknown } | null)?.errno)),
    journalDDL: mysqlJournalDDL,
    isAlreadyApplied: mysqlIsAlreadyApplied,
    acquireLock: acquireMysqlLock,
    lockKind: "advisory",
    introspect: introspectMysql,
    operationNotes: mysqlOperationNotes,
    canonicalize: (conn, catalog, canonicalizeContext) => canonicalizeMysql(conn, catalog, flavor, canonicalizeContext),
    createScratch: (like, scratchOptions) => serverScratch(dialect, like, `kiln_test_${randomSuffix()}`, "mysql", scratchOptions),
  };
  return dialect;
}

export const mysqlDialect: Dialect = createMysqlDialect();
export const mariadbDialect: Dialect = createMysqlDialect({ flavor: "mariadb" });

export { compileOperation, type CompileContext, type MysqlFlavor } from "./compile.js";
export { EnumRegistry } from "./enums.js";
export { mysqlLockName } from "./lock.js";
