/** Domain operations. */
import type { Domain, DomainCheck } from "../catalog/domains.js";

export interface CreateDomain {
  kind: "createDomain";
  domain: Domain;
}

export interface DropDomain {
  kind: "dropDomain";
  schema?: string;
  name: string;
  old?: Domain;
}

export interface AlterDomain {
  kind: "alterDomain";
  schema?: string;
  name: string;
  /** SQL text; `null` drops the default. */
  default?: string | null;
  notNull?: boolean;
  existing?: Domain;
}

export interface AddDomainConstraint {
  kind: "addDomainConstraint";
  schema?: string;
  name: string;
  constraint: DomainCheck;
  notValid?: boolean;
}

export interface DropDomainConstraint {
  kind: "dropDomainConstraint";
  schema?: string;
  name: string;
  constraint: string;
  old?: DomainCheck;
}

export type DomainOperation = CreateDomain | DropDomain | AlterDomain | AddDomainConstraint | DropDomainConstraint;

export const DOMAIN_OPERATION_KINDS = ["createDomain", "dropDomain", "alterDomain", "addDomainConstraint", "dropDomainConstraint"] as const;
