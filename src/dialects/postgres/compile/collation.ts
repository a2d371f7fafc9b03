/**
 * `COLLATE name` for a collation as the Catalog holds it: the name as the
 * database prints it, schema-qualified (`app.mycoll`) outside pg_catalog.
 * A name with a dot of its own (`en_US.utf8`) is in pg_catalog unless qualified.
 */
import { quoteIdentifier } from "../sql.js";

export function collateClause(collation: string): string {
  const qualified = /^([a-z_][a-z0-9_$]*)\.(.+)$/.exec(collation);
  if (qualified && !/^[A-Za-z]{2}_[A-Za-z]{2}$/.test(collation.split(".")[0]!)) {
    return `COLLATE ${quoteIdentifier(qualified[1]!)}.${quoteIdentifier(qualified[2]!)}`;
  }
  return `COLLATE ${quoteIdentifier(collation)}`;
}
