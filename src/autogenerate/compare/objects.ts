/**
 * Compare sequences, domains, composite types and extensions (catalog/<kind>.ts).
 * Creates go before the tables that use them, drops after (order.ts phases).
 */
import type { CompositeType } from "../../catalog/composite-types.js";
import type { Domain } from "../../catalog/domains.js";
import { changedSequenceOptions, type Sequence } from "../../catalog/sequences.js";
import type { Catalog } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import type { CommentTarget } from "../../operations/comments.js";
import type { SequenceChanges } from "../../operations/sequences.js";
import type { Operation } from "../../operations/types.js";
import type { DiffWarning } from "../types.js";
import { byName, type Phase } from "../order.js";
import { compareViews } from "./views.js";

export interface ObjectDiff {
  add(phase: Phase, ...operations: Operation[]): void;
  warn(kind: DiffWarning["kind"], message: string): void;
  /** CompareOptions.viewsReplacedWhole. */
  viewsReplacedWhole?: boolean;
  /** CompareOptions.routinesByName. */
  routinesByName?: boolean;
}

function schemaOf(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function pair<T extends { schema?: string; name: string }>(model: readonly T[] = [], database: readonly T[] = []) {
  const databaseByName = new Map(database.map((o) => [qualifiedName(o), o]));
  const modelNames = new Set(model.map(qualifiedName));
  const sorted = (items: readonly T[]) => [...items].sort(byName(qualifiedName));
  return {
    created: sorted(model).filter((o) => !databaseByName.has(qualifiedName(o))),
    dropped: sorted(database).filter((o) => !modelNames.has(qualifiedName(o))),
    kept: sorted(model)
      .filter((o) => databaseByName.has(qualifiedName(o)))
      .map((o) => ({ model: o, database: databaseByName.get(qualifiedName(o))! })),
  };
}

function commentChange(target: CommentTarget, model: { schema?: string; name: string; comment?: string }, database: { comment?: string }): Operation | undefined {
  if ((model.comment ?? null) === (database.comment ?? null)) return undefined;
  return { kind: "setComment", target, ...schemaOf(model.schema), name: model.name, comment: model.comment ?? null, existing: database.comment ?? null };
}

function sameOwner(a: Sequence["ownedBy"], b: Sequence["ownedBy"]): boolean {
  return (a?.table ?? null) === (b?.table ?? null) && (a?.column ?? null) === (b?.column ?? null);
}

function compareSequences(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const { created, dropped, kept } = pair(model.sequences, database.sequences);
  for (const sequence of created) {
    // The owning table may be new too: OWNED BY once it exists. The value is the database's business.
    const { ownedBy, value: _value, ...definition } = sequence;
    diff.add("createTypes", { kind: "createSequence", sequence: structuredClone(definition) });
    if (ownedBy) diff.add("attachSequences", { kind: "alterSequence", ...schemaOf(sequence.schema), name: sequence.name, changes: { ownedBy: { ...ownedBy } }, existing: structuredClone(definition) });
  }
  for (const sequence of dropped) {
    const { ownedBy, ...definition } = sequence;
    if (ownedBy) diff.add("detachSequences", { kind: "alterSequence", ...schemaOf(sequence.schema), name: sequence.name, changes: { ownedBy: null }, existing: structuredClone(sequence) });
    // The downgrade recreates it where it stood (setval), as pg_dump restores it.
    diff.add("dropTypes", { kind: "dropSequence", ...schemaOf(sequence.schema), name: sequence.name, old: structuredClone(definition) });
  }
  for (const { model: wanted, database: existing } of kept) {
    const ref = { ...schemaOf(wanted.schema), name: wanted.name };
    const keys = changedSequenceOptions(wanted, existing);
    const persistence = !!wanted.unlogged !== !!existing.unlogged;
    if (keys.length > 0 || persistence) {
      const changes: SequenceChanges = {};
      for (const key of keys) (changes as Record<string, unknown>)[key] = wanted[key] ?? null;
      if (persistence) changes.unlogged = !!wanted.unlogged;
      diff.add("createTypes", { kind: "alterSequence", ...ref, changes, existing: structuredClone(existing) });
    }
    if (!sameOwner(wanted.ownedBy, existing.ownedBy)) {
      const detached = { ...structuredClone(existing), ownedBy: undefined };
      delete detached.ownedBy;
      if (existing.ownedBy) diff.add("detachSequences", { kind: "alterSequence", ...ref, changes: { ownedBy: null }, existing: structuredClone(existing) });
      if (wanted.ownedBy) diff.add("attachSequences", { kind: "alterSequence", ...ref, changes: { ownedBy: { ...wanted.ownedBy } }, existing: detached });
    }
    const comment = commentChange("sequence", wanted, existing);
    if (comment) diff.add("createTypes", comment);
  }
}

function compareDomains(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const { created, dropped, kept } = pair(model.domains, database.domains);
  for (const domain of created) diff.add("createTypes", { kind: "createDomain", domain: structuredClone(domain) });
  for (const domain of dropped) diff.add("dropTypes", { kind: "dropDomain", ...schemaOf(domain.schema), name: domain.name, old: structuredClone(domain) });
  for (const { model: wanted, database: existing } of kept) compareDomain(wanted, existing, diff);
}

function compareDomain(wanted: Domain, existing: Domain, diff: ObjectDiff): void {
  const ref = { ...schemaOf(wanted.schema), name: wanted.name };
  const label = qualifiedName(wanted);
  if (wanted.type !== existing.type || (wanted.collation ?? null) !== (existing.collation ?? null)) {
    diff.warn(
      "manualStep",
      `Domain ${label}: the models give ${wanted.type !== existing.type ? `the base type ${wanted.type} (the database has ${existing.type})` : `the collation ${wanted.collation ?? "default"} (the database has ${existing.collation ?? "default"})`}. PostgreSQL cannot change a domain's base type or collation in place; kiln does not generate it. By hand: create a new domain, convert each column using it (ALTER TABLE ... ALTER COLUMN ... TYPE new_domain), drop the old one.`,
    );
  }
  const defaultChanged = (wanted.default ?? null) !== (existing.default ?? null);
  const notNullChanged = !!wanted.notNull !== !!existing.notNull;
  if (defaultChanged || notNullChanged) {
    diff.add("createTypes", {
      kind: "alterDomain",
      ...ref,
      ...(defaultChanged ? { default: wanted.default ?? null } : {}),
      ...(notNullChanged ? { notNull: !!wanted.notNull } : {}),
      existing: structuredClone(existing),
    });
  }
  const existingChecks = new Map(existing.checks.map((c) => [c.name, c]));
  const wantedChecks = new Map(wanted.checks.map((c) => [c.name, c]));
  for (const check of existing.checks) {
    const other = wantedChecks.get(check.name);
    if (!other || other.expression !== check.expression) diff.add("createTypes", { kind: "dropDomainConstraint", ...ref, constraint: check.name, old: { ...check } });
  }
  for (const check of wanted.checks) {
    const other = existingChecks.get(check.name);
    if (!other || other.expression !== check.expression) diff.add("createTypes", { kind: "addDomainConstraint", ...ref, constraint: { ...check } });
  }
  const comment = commentChange("domain", wanted, existing);
  if (comment) diff.add("createTypes", comment);
}

function compareCompositeTypes(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const { created, dropped, kept } = pair(model.compositeTypes, database.compositeTypes);
  for (const type of created) diff.add("createTypes", { kind: "createCompositeType", type: structuredClone(type) });
  for (const type of dropped) diff.add("dropTypes", { kind: "dropCompositeType", ...schemaOf(type.schema), name: type.name, old: structuredClone(type) });
  for (const { model: wanted, database: existing } of kept) compareCompositeType(wanted, existing, diff);
}

function compareCompositeType(wanted: CompositeType, existing: CompositeType, diff: ObjectDiff): void {
  const ref = { ...schemaOf(wanted.schema), name: wanted.name };
  const wantedByName = new Map(wanted.attributes.map((a) => [a.name, a]));
  const existingByName = new Map(existing.attributes.map((a) => [a.name, a]));
  for (const attribute of existing.attributes) {
    const other = wantedByName.get(attribute.name);
    if (!other || other.type !== attribute.type || (other.collation ?? null) !== (attribute.collation ?? null)) {
      diff.add("createTypes", { kind: "dropCompositeAttribute", ...ref, attribute: attribute.name, old: { ...attribute } });
    }
  }
  for (const attribute of wanted.attributes) {
    const other = existingByName.get(attribute.name);
    if (!other || other.type !== attribute.type || (other.collation ?? null) !== (attribute.collation ?? null)) {
      diff.add("createTypes", { kind: "addCompositeAttribute", ...ref, attribute: { ...attribute } });
    }
  }
  const kept = existing.attributes.filter((a) => wantedByName.has(a.name)).map((a) => a.name);
  const order = wanted.attributes.filter((a) => existingByName.has(a.name)).map((a) => a.name);
  if (kept.some((name, i) => order[i] !== name)) {
    diff.warn("manualStep", `Composite type ${qualifiedName(wanted)}: the models order its attributes differently; PostgreSQL cannot reorder attributes, so kiln leaves the order as it is.`);
  }
  const comment = commentChange("type", wanted, existing);
  if (comment) diff.add("createTypes", comment);
}

function compareExtensions(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const byKey = (items: Catalog["extensions"]) => new Map((items ?? []).map((e) => [e.name, e]));
  const databaseExtensions = byKey(database.extensions);
  const modelExtensions = byKey(model.extensions);
  for (const extension of [...modelExtensions.values()].sort(byName((e) => e.name))) {
    const existing = databaseExtensions.get(extension.name);
    if (!existing) diff.add("createExtensions", { kind: "createExtension", extension: { ...extension } });
    else if ((existing.schema ?? null) !== (extension.schema ?? null)) {
      diff.warn(
        "manualStep",
        `Extension ${extension.name} is in schema ${existing.schema ?? "public"} in the database and in ${extension.schema ?? "public"} in the models; kiln does not move it. By hand: op.execute('ALTER EXTENSION ${extension.name} SET SCHEMA ${extension.schema ?? "public"}') where the extension allows it.`,
      );
    }
  }
  for (const extension of [...databaseExtensions.values()].sort(byName((e) => e.name))) {
    if (!modelExtensions.has(extension.name)) diff.add("dropExtensions", { kind: "dropExtension", name: extension.name, old: { ...extension } });
  }
}

export function compareObjects(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  compareExtensions(model, database, diff);
  // Created in this order (a domain may use a sequence, a composite type a domain); dropped in the reverse one.
  const drops: Operation[][] = [];
  for (const compare of [compareSequences, compareDomains, compareCompositeTypes]) {
    const dropped: Operation[] = [];
    compare(model, database, { warn: (kind, message) => diff.warn(kind, message), add: (phase, ...ops) => (phase === "dropTypes" ? dropped.push(...ops) : diff.add(phase, ...ops)) });
    drops.unshift(dropped);
  }
  diff.add("dropTypes", ...drops.flat());
  compareViews(model, database, diff);
}
