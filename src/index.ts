/**
 * kiln: database schema migrations for TypeScript.
 *
 * Everything the CLI does is callable from code:
 *   import { upgrade } from "kiln-migrate";
 *   await upgrade({ target: "head" });
 *
 * The commands are loaded on first call, so that a config file's
 * `import { defineConfig } from "kiln-migrate"` stays cheap.
 */
import type { CheckResult } from "./commands/autogenerate.js";
import type { GraphOptions } from "./commands/graph.js";
import type { CommonOptions } from "./commands/context.js";
import type { InitOptions, InitResult } from "./commands/init.js";
import type { LintOptions, LintResult } from "./commands/lint.js";
import type { MigrateOptions, MigrateResult } from "./commands/migrate.js";
import type { MergeOptions, RevisionOptions, RevisionResult } from "./commands/revision.js";
import type { StampOptions, StampResult } from "./commands/stamp.js";
import type { ImportOptions, ImportResult } from "./import/index.js";
import type { PullOptions, PullResult } from "./commands/pull.js";
import type { CurrentOptions, CurrentResult, HistoryOptions, RevisionSummary } from "./commands/status.js";

export { defineConfig } from "./config/types.js";
export type { KilnConfig, NamingConvention } from "./config/types.js";
export type { Migration } from "./revisions/types.js";
export type { Op, ColumnSpec } from "./operations/facade.js";
export type { Operation } from "./operations/types.js";
export type { LintWarning, SilencedWarning } from "./lint/types.js";
export type { Catalog } from "./catalog/types.js";
export { KilnError, UsageError } from "./errors.js";
export type { Reporter } from "./runtime/reporter.js";
export type {
  CheckResult,
  CommonOptions,
  CurrentOptions,
  CurrentResult,
  GraphOptions,
  HistoryOptions,
  ImportOptions,
  ImportResult,
  InitOptions,
  InitResult,
  LintOptions,
  LintResult,
  MergeOptions,
  MigrateOptions,
  MigrateResult,
  PullOptions,
  PullResult,
  RevisionOptions,
  RevisionResult,
  RevisionSummary,
  StampOptions,
  StampResult,
};

export async function init(options?: InitOptions): Promise<InitResult> {
  return (await import("./commands/init.js")).init(options);
}
export async function revision(options: RevisionOptions): Promise<RevisionResult> {
  return (await import("./commands/revision.js")).revision(options);
}
export async function merge(options: MergeOptions): Promise<RevisionResult> {
  return (await import("./commands/revision.js")).merge(options);
}
/**
 * `kiln upgrade` (default target: head). Without a config file:
 * `upgrade({ url, migrations, models })`, or `upgrade({ client })` with a
 * client the application already has (see CommonOptions.client).
 */
export async function upgrade(options: Omit<MigrateOptions, "target"> & { target?: string } = {}): Promise<MigrateResult> {
  return (await import("./commands/migrate.js")).upgrade({ ...options, target: options.target ?? "head" });
}
export async function downgrade(options: MigrateOptions): Promise<MigrateResult> {
  return (await import("./commands/migrate.js")).downgrade(options);
}
/**
 * `kiln import`: another tool's migration folder (drizzle-kit, Prisma, Flyway, plain .sql files)
 * as a chain of kiln revisions with derived downgrades; stamps a database the old tool migrated.
 */
/** `kiln pull`: models from a live database, its naming convention into kiln.config.ts; `baseline: true` also writes a first revision, stamped. */
export async function pull(options: PullOptions = {}): Promise<PullResult> {
  return (await import("./commands/pull.js")).pull(options);
}
export async function importHistory(options: ImportOptions): Promise<ImportResult> {
  return (await import("./import/index.js")).importHistory(options);
}
export async function stamp(options: StampOptions): Promise<StampResult> {
  return (await import("./commands/stamp.js")).stamp(options);
}
export async function current(options?: CurrentOptions): Promise<CurrentResult> {
  return (await import("./commands/status.js")).current(options);
}
export async function history(options?: HistoryOptions): Promise<RevisionSummary[]> {
  return (await import("./commands/status.js")).history(options);
}
/** `kiln graph`: the revision graph as a Mermaid flowchart or Graphviz DOT text. */
export async function graph(options?: GraphOptions): Promise<string> {
  return (await import("./commands/graph.js")).graph(options);
}
export async function heads(options?: CommonOptions): Promise<RevisionSummary[]> {
  return (await import("./commands/status.js")).heads(options);
}
export async function branches(options?: CommonOptions): Promise<(RevisionSummary & { children: string[] })[]> {
  return (await import("./commands/status.js")).branches(options);
}
export async function show(options: CommonOptions & { revision: string }): Promise<RevisionSummary> {
  return (await import("./commands/status.js")).show(options);
}
export async function check(options?: CommonOptions): Promise<CheckResult> {
  return (await import("./commands/check.js")).check(options);
}
export async function lint(options?: LintOptions): Promise<LintResult> {
  return (await import("./commands/lint.js")).lint(options);
}

export type { StairwayFailure, StairwayOptions, StairwayPass, StairwayResult } from "./commands/stairway.js";
/** `kiln test`: the stairway check (upgrade, downgrade, upgrade again every revision) on a scratch database. */
export async function stairway(options?: import("./commands/stairway.js").StairwayOptions): Promise<import("./commands/stairway.js").StairwayResult> {
  return (await import("./commands/stairway.js")).stairway(options);
}
