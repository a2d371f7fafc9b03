/** Domains: a base type with a default, NOT NULL and named CHECK constraints (CREATE DOMAIN). */
export interface DomainCheck {
  name: string;
  /** The condition, as the database prints it inside CHECK (...), e.g. `VALUE > 0`. */
  expression: string;
}

export interface Domain {
  schema?: string;
  name: string;
  /** The base type, as format_type prints it (carried verbatim). */
  type: string;
  default?: string;
  notNull?: boolean;
  collation?: string;
  /** Sorted by name. */
  checks: DomainCheck[];
  comment?: string;
}
