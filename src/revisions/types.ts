/** What a revision file exports by default. */
import type { Op } from "../operations/facade.js";

export interface Migration {
  /** 12 hex characters, unique in the folder. */
  revision: string;
  /** null for a base; an id; an array of ids for a merge. */
  downRevision: string | string[] | null;
  branchLabels?: string | string[];
  /** Revisions that must be applied first, without being parents. */
  dependsOn?: string | string[];
  message?: string;
  /** False runs the whole revision outside a transaction (for statements PostgreSQL refuses inside one). Default true. */
  transactional?: boolean;
  /** Silence `kiln lint` rules for the whole revision, with the reason (see docs/online-migrations.md). */
  lint?: { ignore: string[]; reason?: string };
  upgrade(op: Op): void | Promise<void>;
  downgrade?(op: Op): void | Promise<void>;
}

/** A revision as the graph sees it: loaded, validated, normalized. */
export interface RevisionNode {
  revision: string;
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  message: string;
  /** Absolute path of the file. */
  file: string;
}
