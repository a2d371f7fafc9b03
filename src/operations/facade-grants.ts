/** Arguments of op.grant / op.revoke in revision files -> Operations. */
import { checkedPrivileges, grantObjectFromSpec, type GrantTargetSpec } from "../catalog/grant-spec.js";
import { KilnError } from "../errors.js";
import type { GrantOperation } from "./grants.js";

export type { GrantTargetSpec };

export function grantFromSpec(kind: "grant" | "revoke", privileges: string | string[], on: GrantTargetSpec, to: string, options: { withGrantOption?: boolean } = {}): GrantOperation {
  const where = `op.${kind}(${JSON.stringify(privileges)})`;
  if (typeof to !== "string" || to === "") throw new KilnError(`${where}: give the role (or "public").`);
  const object = grantObjectFromSpec(on ?? {}, where);
  return {
    kind,
    on: object,
    grantee: to.toLowerCase() === "public" ? "public" : to,
    privileges: checkedPrivileges(privileges, object, where),
    ...(options.withGrantOption ? { withGrantOption: true } : {}),
  };
}
