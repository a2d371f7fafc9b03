/** `kiln revision` (hand-written or --autogenerate) and `kiln merge`. */
import { mkdirSync } from "node:fs";
import { KilnError, UsageError } from "../errors.js";
import { branchLabelProblem } from "../revisions/graph.js";
import { resolveRevision } from "../revisions/resolve.js";
import { newRevisionId, renderRevisionFile, revisionFileName, writeRevisionFile } from "../revisions/write.js";
import { type CommonOptions, loadProject, type Project } from "./context.js";

export interface RevisionOptions extends CommonOptions {
  message?: string;
  /** Parent: a revision, `head`, `base` (a new root), `LABEL@head`. Default: the single head. */
  head?: string;
  /** Allow a parent that is not a head (starts a branch). */
  splice?: boolean;
  branchLabel?: string[];
  dependsOn?: string[];
  revId?: string;
  /** Compare the models with the database and write the operations. */
  autogenerate?: boolean;
  /** Rename hints for autogenerate: `table.old=table.new` (columns). */
  renames?: string[];
  /** Rename hints for autogenerate: `old=new` (tables). */
  renameTables?: string[];
  /** Ask about rename candidates (on a terminal). */
  interactive?: boolean;
  now?: Date;
}

export interface RevisionResult {
  revision: string;
  file: string;
  /** Autogenerate only: false when models and database match (no file written). */
  changed: boolean;
  /** Human lines describing the operations written (autogenerate). */
  changes: string[];
  /** Autogenerate only: the database compared with the models (password masked). */
  database?: string;
}

export interface Bodies {
  upgrade: string;
  downgrade: string;
  changes: string[];
}

function validRevId(id: string, project: Project): string {
  if (!/^[A-Za-z0-9_]{1,32}$/.test(id)) {
    throw new UsageError(`--rev-id ${JSON.stringify(id)} must be 1 to 32 letters, digits or _`);
  }
  if (project.graph.has(id)) throw new UsageError(`revision id ${id} already exists (${project.graph.get(id).file})`);
  const sameLetters = project.graph.revisions.find((node) => node.revision.toLowerCase() === id.toLowerCase());
  if (sameLetters) {
    throw new UsageError(
      `--rev-id ${id} differs only in case from revision ${sameLetters.revision} (${sameLetters.file}); a version table that ignores case (MariaDB, MySQL) cannot tell them apart. Choose another id.`,
    );
  }
  return id;
}

function parentFor(project: Project, options: RevisionOptions): string[] {
  const { graph } = project;
  if (options.head === undefined) {
    const heads = graph.heads();
    if (heads.length > 1) {
      throw new KilnError(`there are ${heads.length} heads (${heads.map((h) => h.revision).join(", ")}); say which one to build on`, {
        details: ["pass --head <rev> (or LABEL@head), or join them first with `kiln merge heads -m \"merge\"`"],
      });
    }
    return heads.map((h) => h.revision);
  }
  if (options.head === "base") return [];
  const parent = resolveRevision(graph, options.head);
  if (!graph.isHead(parent) && !options.splice) {
    throw new UsageError(
      `revision ${parent} is not a head; pass --splice to start a new branch from it, or use --head with a head revision`,
    );
  }
  return [parent];
}

export async function createRevision(
  project: Project,
  fields: { message: string; parents: string[]; branchLabels?: string[]; dependsOn?: string[]; revId?: string; bodies?: Bodies; now?: Date },
): Promise<RevisionResult> {
  const revision = fields.revId ? validRevId(fields.revId, project) : uniqueId(project);
  for (const label of fields.branchLabels ?? []) {
    const problem = branchLabelProblem(label);
    if (problem) throw new UsageError(`--branch-label ${JSON.stringify(label)}: ${problem}`);
    if (project.graph.has(label) || label === revision) {
      throw new UsageError(`--branch-label ${JSON.stringify(label)} is also a revision id; choose another label.`);
    }
    if (project.graph.labelOwner(label)) {
      throw new UsageError(`branch label ${JSON.stringify(label)} is already used by ${project.graph.labelOwner(label)!.revision}`);
    }
  }
  const now = fields.now ?? new Date();
  const content = renderRevisionFile({
    revision,
    downRevision: fields.parents.length === 0 ? null : fields.parents.length === 1 ? fields.parents[0]! : fields.parents,
    message: fields.message,
    branchLabels: fields.branchLabels,
    dependsOn: fields.dependsOn,
    upgradeBody: fields.bodies?.upgrade ?? "",
    downgradeBody: fields.bodies?.downgrade ?? "",
    createdAt: now,
  });
  mkdirSync(project.config.migrationsDir, { recursive: true });
  const file = writeRevisionFile(project.config.migrationsDir, content, revisionFileName(revision, fields.message, now));
  return { revision, file, changed: true, changes: fields.bodies?.changes ?? [] };
}

function uniqueId(project: Project): string {
  for (;;) {
    const id = newRevisionId();
    if (!project.graph.has(id)) return id;
  }
}

export async function revision(options: RevisionOptions): Promise<RevisionResult> {
  const project = await loadProject(options);
  const parents = parentFor(project, options);
  const dependsOn = (options.dependsOn ?? []).map((d) => resolveRevision(project.graph, d));
  let bodies: Bodies | undefined;
  if (options.autogenerate) {
    // Loaded on demand: plain revisions and the other commands never pay for autogenerate.
    const { autogenerateBodies } = await import("./autogenerate.js");
    bodies = await autogenerateBodies(project, options);
    if (bodies.changes.length === 0) {
      return { revision: "", file: "", changed: false, changes: [], database: project.config.url?.display ?? "" };
    }
  }
  return createRevision(project, {
    message: options.message ?? "",
    parents,
    branchLabels: options.branchLabel,
    dependsOn,
    revId: options.revId,
    bodies,
    now: options.now,
  });
}

export interface MergeOptions extends CommonOptions {
  revisions: string[];
  message?: string;
  branchLabel?: string[];
  revId?: string;
}

export async function merge(options: MergeOptions): Promise<RevisionResult> {
  const project = await loadProject(options);
  const parents = new Set<string>();
  for (const spec of options.revisions) {
    if (spec === "heads") for (const h of project.graph.heads()) parents.add(h.revision);
    else parents.add(resolveRevision(project.graph, spec));
  }
  if (parents.size < 2) {
    throw new UsageError(
      `merge needs at least two revisions to join; ${parents.size === 1 ? `only ${[...parents][0]} was given` : "none were given"} (there ${project.graph.heads().length === 1 ? "is one head" : `are ${project.graph.heads().length} heads`})`,
    );
  }
  return createRevision(project, {
    message: options.message ?? "merge",
    parents: [...parents].sort(),
    branchLabels: options.branchLabel,
    revId: options.revId,
  });
}
