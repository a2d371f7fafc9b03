/**
 * `kiln upgrade|downgrade TARGET --logical`: a PostgreSQL logical-replication
 * publisher and its subscribers (config `logicalReplication`) migrated together.
 * Logical replication carries rows, not DDL, so each database runs every
 * revision itself; per step, the side that must go first (see
 * operations/replication-order.ts) runs it first, then the other. A revision no
 * order keeps safe is refused, naming its operations, before anything changes.
 * Tables a revision creates are added to the publication where it lists its
 * tables, and the subscriptions are refreshed to pick them up (docs/replication.md).
 */
import type { ResolvedConfig } from "../config/load.js";
import type { DatabaseUrl } from "../dialects/types.js";
import { KilnError, UsageError } from "../errors.js";
import { collectingSink, Op } from "../operations/facade.js";
import { planReplicationOrder, type ReplicationPlan } from "../operations/replication-order.js";
import type { LoadedRevision } from "../revisions/load.js";
import type { Step } from "../revisions/resolve.js";
import { journalTable } from "../runtime/journal.js";
import { runOnline, type OnlineTarget } from "../runtime/runner.js";
import { loadProject, type Project } from "./context.js";
import { type Direction, type MigrateOptions, type OpenedTarget, openOnline, plan } from "./migrate.js";

export interface LogicalMigrateResult {
  /** Each step run, with the order used and the databases it ran on (in that order, passwords masked). */
  steps: { revision: string; direction: Direction; message: string; order: "subscribersFirst" | "publisherFirst" | "any"; databases: string[] }[];
  /** Each member's heads after the run. */
  members: { role: "publisher" | "subscriber"; database: string; heads: string[] }[];
  publication: string;
}

interface Member {
  role: "publisher" | "subscriber";
  url: DatabaseUrl;
  opened: OpenedTarget;
  steps: Step<LoadedRevision>[];
  heads: string[];
  target?: OnlineTarget;
  /** Subscribers: their subscriptions to the publication. */
  subscriptions: string[];
}

const EXAMPLE =
  'e.g. logicalReplication: { publisher: "postgres://app@db1:5432/shop", subscribers: ["postgres://app@db2:5432/shop"], publication: "shop_pub" }';

/** The operations a step applies, from its revision code run against a collecting `op` (no database). */
async function stepOperations(project: Project, step: Step<LoadedRevision>, dialect: OnlineTarget["dialect"]["name"]): Promise<ReplicationPlan> {
  const loaded = project.revisions.get(step.revision.revision)!;
  const migration = await loaded.load();
  const sink = collectingSink(dialect);
  let readsDatabase = false;
  const op = new Op({
    ...sink,
    apply: (operation) => sink.apply(operation),
    query: () => {
      readsDatabase = true;
      return Promise.reject(new Error("op.query() reads the database; kiln classifies revisions without one"));
    },
  });
  const fn = step.direction === "up" ? migration.upgrade : migration.downgrade;
  try {
    await fn?.call(migration, op);
    await op.settled();
  } catch (error) {
    if (!readsDatabase) throw new KilnError(`cannot read the operations of revision ${loaded.revision} (${loaded.file}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (readsDatabase) return { order: "manual", blockers: ["op.query(): the revision reads the database, so what it changes is known only where it runs"], newTables: [] };
  return planReplicationOrder(sink.operations);
}

function describeOrder(plan: ReplicationPlan): string {
  return plan.order === "subscribersFirst" ? "subscribers first" : plan.order === "publisherFirst" ? "publisher first" : "either order (publisher first)";
}

export async function migrateLogical(direction: Direction, options: MigrateOptions): Promise<LogicalMigrateResult> {
  const project = await loadProject(options);
  const { config, reporter } = project;
  const lr = config.logicalReplication;
  if (!lr) throw new UsageError(`--logical migrates the publisher and subscribers that \`logicalReplication\` names in ${config.configFile}; add it (docs/replication.md)`, [EXAMPLE]);
  if (options.sql) throw new UsageError("--logical runs on the publisher and subscribers in turn; it cannot go with --sql");
  if (options.target.includes(":")) throw new UsageError(`ranges (${options.target}) are for offline scripts; --logical takes a target such as head or -1`);

  const members: Member[] = [];
  try {
    for (const [role, url] of [["publisher", lr.publisher] as const, ...lr.subscribers.map((u) => ["subscriber", u] as const)]) {
      const { client: _client, ...rest } = config;
      const opened = await openOnline(project, { ...rest, url }, options, direction);
      members.push({ role, url, opened, steps: [], heads: opened.current, subscriptions: [] });
    }
    const publisher = members[0]!;
    const subscribers = members.slice(1);
    const dialect = publisher.opened.session.dialect;
    const logical = dialect.logicalReplication;
    if (!logical) throw new KilnError(`--logical: kiln knows logical replication on PostgreSQL only, and ${lr.publisher.display} is ${dialect.name}`);

    // The publication: named, or the publisher's only one; kiln's own tables must stay out of it.
    const pubConn = publisher.opened.session.conn;
    let publication = lr.publication;
    if (publication === undefined) {
      const names = (await pubConn.query("SELECT pubname FROM pg_catalog.pg_publication ORDER BY pubname")).rows.map((r) => String(r.pubname));
      if (names.length !== 1) {
        throw new KilnError(`--logical: ${lr.publisher.display} has ${names.length === 0 ? "no publication" : `${names.length} publications (${names.join(", ")})`}; name the one the subscribers use in logicalReplication.publication`);
      }
      publication = names[0]!;
    }
    const published = await logical.publication(pubConn, publication);
    if (!published) throw new KilnError(`--logical: the publisher ${lr.publisher.display} has no publication ${JSON.stringify(publication)}`);
    const tables = publisher.opened.session.tables;
    const kilnTables = [tables.versionTable, tables.historyTable, journalTable(tables)];
    const kilnSchema = tables.schema ?? dialect.defaultSchema;
    const publishedKiln = published.tables.filter((t) => t.schema === kilnSchema && kilnTables.includes(t.name));
    if (published.allTables || publishedKiln.length > 0) {
      throw new KilnError(
        `--logical: publication ${publication} ${published.allTables ? "is FOR ALL TABLES, so it publishes" : "publishes"} kiln's own tables (${kilnTables.join(", ")}), whose rows would replicate into the subscribers' and clash with their own`,
        {
          details: [
            "publish your tables by name (CREATE PUBLICATION ... FOR TABLE ...) or by schema (FOR TABLES IN SCHEMA app) with kiln's tables in another schema (versionSchema in the config)",
            "nothing was changed",
          ],
        },
      );
    }
    for (const subscriber of subscribers) {
      const subs = await logical.subscriptions(subscriber.opened.session.conn);
      subscriber.subscriptions = subs.filter((s) => s.publications.includes(publication!)).map((s) => s.name);
      if (subscriber.subscriptions.length === 0) {
        throw new KilnError(`--logical: ${subscriber.url.display} has no subscription to publication ${publication}${subs.length > 0 ? ` (its subscriptions: ${subs.map((s) => `${s.name} to ${s.publications.join(", ")}`).join("; ")})` : ""}`, {
          details: ["list only the publication's subscribers in logicalReplication.subscribers; nothing was changed"],
        });
      }
    }

    // The steps: each member's own plan; the longest gives the order (the others are its tails).
    for (const member of members) member.steps = plan(project, direction, member.heads, options.target);
    const order = members.reduce((longest, m) => (m.steps.length > longest.length ? m.steps : longest), [] as Step<LoadedRevision>[]);
    if (order.length === 0) {
      reporter.info(`nothing to do: the publisher and its ${subscribers.length} subscriber(s) are already at ${options.target}`);
      return { steps: [], members: members.map((m) => ({ role: m.role, database: m.url.display, heads: m.heads })), publication };
    }

    // Every step classified before anything runs: one that needs a manual plan stops the run here.
    const plans = new Map<string, ReplicationPlan>();
    const refused: string[] = [];
    for (const step of order) {
      const p = await stepOperations(project, step, dialect.name);
      plans.set(step.revision.revision, p);
      if (p.order === "manual") {
        refused.push(`revision ${step.revision.revision} (${step.revision.file}) ${step.direction === "up" ? "upgrade" : "downgrade"}:`);
        for (const blocker of p.blockers) refused.push(`  ${blocker}`);
      }
    }
    if (refused.length > 0) {
      throw new KilnError(`--logical: ${refused.filter((l) => !l.startsWith(" ")).length} revision(s) need a manual plan: no order of publisher and subscribers keeps every replicated row applying`, {
        details: [
          ...refused,
          "nothing was changed. Split such a revision (changes that widen tables in one, those that narrow them in the next), or run it by hand on each database in the order you choose and `kiln stamp` each (docs/replication.md)",
        ],
      });
    }

    for (const member of members) if (member.steps.length > 0) member.target = await member.opened.prepare(member.steps);

    const result: LogicalMigrateResult["steps"] = [];
    for (const step of order) {
      const p = plans.get(step.revision.revision)!;
      const sides = p.order === "subscribersFirst" ? [...subscribers, publisher] : [publisher, ...subscribers];
      reporter.info(`${step.revision.revision} ${step.revision.message}: ${describeOrder(p)}`);
      const ran: string[] = [];
      for (const member of sides) {
        if (!member.steps.some((s) => s.revision.revision === step.revision.revision)) continue;
        reporter.info(`  on the ${member.role} ${member.url.display}`);
        try {
          member.heads = await runOnline(member.target!, [step], member.heads);
        } catch (error) {
          if (!(error instanceof KilnError) || ran.length === 0) throw error;
          throw new KilnError(`on the ${member.role} ${member.url.display}: ${error.message}`, {
            cause: error,
            details: [
              ...error.details,
              `revision ${step.revision.revision} is applied on ${ran.join(", ")} and not on ${member.url.display}: until it is, the subscription may stop at rows of the new shape`,
              "fix the cause, then run the same command again: each member goes on from where it is",
            ],
          });
        }
        ran.push(member.url.display);
      }
      if (p.newTables.length > 0) await publishNewTables(publisher, subscribers, publication, p, lr.publishNewTables, reporter, logical);
      result.push({ revision: step.revision.revision, direction: step.direction, message: step.revision.message, order: p.order as "subscribersFirst" | "publisherFirst" | "any", databases: ran });
    }
    return { steps: result, members: members.map((m) => ({ role: m.role, database: m.url.display, heads: m.heads })), publication };
  } finally {
    for (const member of members) await member.opened.session.close().catch(() => undefined);
  }
}

/** Tables the step created: into the publication (when it lists its tables), then each subscription refreshed. */
async function publishNewTables(
  publisher: Member,
  subscribers: Member[],
  publication: string,
  plan: ReplicationPlan,
  publishNew: boolean,
  reporter: Project["reporter"],
  logical: NonNullable<OnlineTarget["dialect"]["logicalReplication"]>,
): Promise<void> {
  const conn = publisher.opened.session.conn;
  const defaultSchema = publisher.opened.session.dialect.defaultSchema;
  const published = (await logical.publication(conn, publication))!;
  const exists = async (t: { schema?: string; name: string }) =>
    (await conn.query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2", [t.schema ?? defaultSchema, t.name])).rows.length > 0;
  let added = 0;
  for (const table of plan.newTables) {
    const label = table.schema ? `${table.schema}.${table.name}` : table.name;
    if (!(await exists(table))) continue;
    if (published.tables.some((t) => t.schema === (table.schema ?? defaultSchema) && t.name === table.name)) {
      reporter.info(`  publication ${publication} already publishes the new table ${label} (it publishes its schema)`);
      added++;
      continue;
    }
    if (!publishNew) {
      reporter.info(`  left the new table ${label} out of publication ${publication} (logicalReplication.publishNewTables is false)`);
      continue;
    }
    await conn.query(logical.addToPublicationSql(publication, table));
    reporter.info(`  added the new table ${label} to publication ${publication}`);
    added++;
  }
  if (added === 0) return;
  for (const subscriber of subscribers) {
    for (const subscription of subscriber.subscriptions) {
      await subscriber.opened.session.conn.query(logical.refreshSubscriptionSql(subscription));
      reporter.info(`  refreshed subscription ${subscription} on ${subscriber.url.display}: it copies and follows the new table(s)`);
    }
  }
}

/**
 * A fleet run (`--all`) migrates its targets each on its own, in any order:
 * for members of `logicalReplication` that would break the order their rows
 * need, so such a run is refused before it starts, naming them.
 */
export function refuseLogicalMembers(targets: { name: string; url: DatabaseUrl }[], config: ResolvedConfig): void {
  const lr = config.logicalReplication;
  if (!lr) return;
  const members = new Set([lr.publisher, ...lr.subscribers].map((u) => u.display));
  const found = targets.filter((t) => members.has(t.url.display));
  if (found.length === 0) return;
  throw new UsageError(
    `--all would migrate ${found.map((t) => t.name).join(", ")} on ${found.length === 1 ? "its" : "their"} own, but ${found.length === 1 ? "it is a member" : "they are members"} of logicalReplication, whose publisher and subscribers must take each revision in order`,
    ["migrate them with `kiln upgrade TARGET --logical` and leave them out of `targets` (docs/replication.md); nothing was changed"],
  );
}
