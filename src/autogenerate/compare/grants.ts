/**
 * Compare privileges (catalog/grants.ts), when the config asks for them: both
 * Catalogs then hold the grants of the managed roles (`grants` absent on either
 * side: not compared). Revokes go first (phase dropPolicies: before the object
 * goes, so that the downgrade grants them back once it is there again), grants
 * last (phase createPolicies). A privilege whose GRANT OPTION changes is revoked
 * and granted again. A grant that is not listed is what PostgreSQL gives by
 * default (EXECUTE for PUBLIC on a function): a revoked default is revoked, and
 * granted back on the way down.
 */
import { defaultPrivileges, grantKey, type Grant } from "../../catalog/grants.js";
import type { Catalog } from "../../catalog/types.js";
import type { Operation } from "../../operations/types.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";

function split(grant: Grant | undefined, on: Grant["on"], grantee: string): Map<string, boolean> {
  if (!grant) return new Map(defaultPrivileges(on, grantee).map((p) => [p, false]));
  const option = new Set(grant.withGrantOption ?? []);
  return new Map(grant.privileges.map((p) => [p, option.has(p)]));
}

export function compareGrants(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  if (!model.grants || !database.grants) return;
  const wanted = new Map(model.grants.map((g) => [grantKey(g), g]));
  const present = new Map(database.grants.map((g) => [grantKey(g), g]));
  // The database's grants in the order of each object's ACL (introspect/grants.ts); the revokes go in the
  // opposite order, so that the downgrade grants them back as they were granted.
  const keys = [...new Set([...present.keys(), ...[...wanted.keys()].sort(byName((k: string) => k))])];
  const revokes: Operation[][] = [];
  for (const key of keys) {
    const { on, grantee } = (wanted.get(key) ?? present.get(key))!;
    const want = split(wanted.get(key), on, grantee);
    const have = split(present.get(key), on, grantee);
    const revoke = [...have].filter(([p, option]) => want.get(p) !== option);
    const grant = [...want].filter(([p, option]) => have.get(p) !== option);
    const revoking: Operation[] = [];
    for (const option of [false, true]) {
      const privileges = revoke.filter(([, o]) => o === option).map(([p]) => p);
      if (privileges.length > 0) revoking.unshift({ kind: "revoke", on: { ...on }, grantee, privileges, ...(option ? { withGrantOption: true } : {}) });
    }
    revokes.unshift(revoking);
    for (const option of [false, true]) {
      const privileges = grant.filter(([, o]) => o === option).map(([p]) => p);
      if (privileges.length > 0) {
        const op: Operation = { kind: "grant", on: { ...on }, grantee, privileges, ...(option ? { withGrantOption: true } : {}) };
        diff.add("createPolicies", op);
      }
    }
  }
  diff.add("dropPolicies", ...revokes.flat());
}
