/**
 * What pull leaves out of the models, named (exact or loud): the objects of
 * the schemas read that the Catalog does not hold (Dialect.leftOutCandidates:
 * aggregates, operators, collations, functions kiln does not read, ...). They
 * stay in the database; a database built from the models lacks them. Pure.
 */
import { catalogObjects, describeRef, type ObjectRef, refKey } from "../catalog/objects.js";
import type { Catalog } from "../catalog/types.js";

export function leftOutNotes(catalog: Catalog, candidates: readonly ObjectRef[]): string[] {
  const modelled = new Set(catalogObjects(catalog).map(refKey));
  return candidates
    .filter((ref) => !modelled.has(refKey(ref)))
    .map(
      (ref) =>
        `${describeRef(ref)} is not modelled by kiln: it stays in the database and out of the models, and a database built from the models lacks it (keep its CREATE statement in a revision: op.execute)`,
    );
}
