/** Arguments of the object operations in revision files (op.createSequence(...), ...) -> Operations. */
import type { CompositeAttribute } from "../catalog/composite-types.js";
import type { DomainCheck } from "../catalog/domains.js";
import type { Sequence, SequenceOptions } from "../catalog/sequences.js";
import { SEQUENCE_OPTION_KEYS } from "../catalog/sequences.js";
import type { CreateCompositeType } from "./composite-types.js";
import type { CreateDomain } from "./domains.js";
import type { AlterSequence, CreateSequence, SequenceChanges } from "./sequences.js";

type Whole = string | number | bigint;

export interface SequenceSpec {
  schema?: string;
  type?: "smallint" | "integer" | "bigint";
  start?: Whole;
  increment?: Whole;
  min?: Whole;
  max?: Whole;
  cache?: Whole;
  cycle?: boolean;
  ownedBy?: { table: string; column: string };
  comment?: string;
  /** Set the sequence here after creating it: `setval(seq, last, called)`. */
  value?: { last: Whole; called: boolean };
  /** CREATE UNLOGGED SEQUENCE (PostgreSQL 15+). */
  unlogged?: boolean;
}

export type SequenceChangeSpec = { schema?: string; existing?: SequenceSpec } & {
  [K in keyof SequenceOptions]?: (K extends "cycle" ? boolean : K extends "type" ? string : Whole) | null;
} & {
  ownedBy?: { table: string; column: string } | null;
  restart?: Whole | true;
  /** SET UNLOGGED (true) / SET LOGGED (false). */
  unlogged?: boolean;
};

function text(value: Whole): string {
  return String(value);
}

export function sequenceFromSpec(name: string, spec: SequenceSpec): Sequence {
  const sequence: Sequence = { name };
  if (spec.schema !== undefined) sequence.schema = spec.schema;
  if (spec.type !== undefined) sequence.type = spec.type;
  for (const key of ["start", "increment", "min", "max", "cache"] as const) if (spec[key] !== undefined) sequence[key] = text(spec[key]);
  if (spec.cycle) sequence.cycle = true;
  if (spec.ownedBy) sequence.ownedBy = { ...spec.ownedBy };
  if (spec.comment !== undefined) sequence.comment = spec.comment;
  if (spec.value) sequence.value = { last: text(spec.value.last), called: spec.value.called };
  if (spec.unlogged) sequence.unlogged = true;
  return sequence;
}

export function createSequenceFromSpec(name: string, spec: SequenceSpec): CreateSequence {
  return { kind: "createSequence", sequence: sequenceFromSpec(name, spec) };
}

export function alterSequenceFromSpec(name: string, spec: SequenceChangeSpec): AlterSequence {
  const { schema, existing, ownedBy, restart, unlogged } = spec;
  const changes: SequenceChanges = {};
  for (const key of SEQUENCE_OPTION_KEYS) {
    const value = spec[key];
    if (value === undefined) continue;
    (changes as Record<string, unknown>)[key] = value === null || typeof value === "boolean" ? value : text(value);
  }
  if (ownedBy !== undefined) changes.ownedBy = ownedBy;
  if (restart !== undefined) changes.restart = restart === true ? true : text(restart);
  if (unlogged !== undefined) changes.unlogged = unlogged;
  return {
    kind: "alterSequence",
    ...(schema !== undefined ? { schema } : {}),
    name,
    changes,
    ...(existing ? { existing: sequenceFromSpec(name, { ...existing, schema }) } : {}),
  };
}

export interface DomainSpec {
  schema?: string;
  default?: string;
  notNull?: boolean;
  collation?: string;
  checks?: DomainCheck[];
  comment?: string;
}

export function createDomainFromSpec(name: string, type: string, spec: DomainSpec): CreateDomain {
  return {
    kind: "createDomain",
    domain: {
      ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
      name,
      type,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(spec.notNull ? { notNull: true } : {}),
      ...(spec.collation !== undefined ? { collation: spec.collation } : {}),
      checks: (spec.checks ?? []).map((c) => ({ name: c.name, expression: c.expression })),
      ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
    },
  };
}

export function createCompositeTypeFromSpec(name: string, attributes: CompositeAttribute[], spec: { schema?: string; comment?: string }): CreateCompositeType {
  return {
    kind: "createCompositeType",
    type: {
      ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
      name,
      attributes: attributes.map((a) => ({ name: a.name, type: a.type, ...(a.collation !== undefined ? { collation: a.collation } : {}) })),
      ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
    },
  };
}
