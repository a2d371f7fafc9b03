/** Declares every subcommand with commander and prints what the command functions return. */
import { type Command, Option } from "commander";
import type { RevisionSummary } from "../commands/status.js";
import type { DialectName } from "../dialects/types.js";
import type { Reporter } from "../runtime/reporter.js";
import { UsageError } from "../errors.js";
import { terminalMessage, terminalText } from "../neutralize.js";
import { addFleetOptions, fleetCli, fleetFlags, type FleetFlags } from "./fleet.js";
import { printJson, runRecordingSteps } from "./json.js";
import { colors as pc, printErr, printOut, printOutLines, printScript } from "./output.js";

export interface CliContext {
  reporter: Reporter;
  setExitCode(code: number): void;
}

// Commands load on demand: `kiln current` does not pay for autogenerate or other drivers.
const commands = {
  check: () => import("../commands/check.js"),
  graph: () => import("../commands/graph.js"),
  importHistory: () => import("../import/index.js"),
  init: () => import("../commands/init.js"),
  lint: () => import("../commands/lint.js"),
  migrate: () => import("../commands/migrate.js"),
  pull: () => import("../commands/pull.js"),
  revision: () => import("../commands/revision.js"),
  stairway: () => import("../commands/stairway.js"),
  fleet: () => import("../fleet/commands.js"),
  stamp: () => import("../commands/stamp.js"),
  status: () => import("../commands/status.js"),
  types: () => import("../commands/types.js"),
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

const JSON_HELP = "print one JSON document on stdout (keys in docs/json-output.md); messages stay on stderr";

function tags(r: RevisionSummary): string {
  const parts: string[] = [];
  if (r.isHead) parts.push(pc.green("(head)"));
  if (r.isBranchPoint) parts.push(pc.yellow("(branchpoint)"));
  if (r.isMergePoint) parts.push(pc.cyan("(mergepoint)"));
  if (r.isCurrent) parts.push(pc.magenta("(current)"));
  if (r.branchLabels.length) parts.push(`(${terminalText(r.branchLabels.join(", "))})`);
  return parts.length ? " " + parts.join(" ") : "";
}

/** `rev (tags) message` on one line. */
function summaryLine(r: RevisionSummary): string {
  return `${pc.bold(terminalText(r.revision))}${tags(r)}${r.message ? ` ${terminalText(r.message)}` : ""}`;
}

function historyLine(r: RevisionSummary): string {
  const from = r.downRevisions.length ? r.downRevisions.join(", ") : "<base>";
  return `${terminalText(from)} -> ${pc.bold(terminalText(r.revision))}${tags(r)}, ${terminalText(r.message)}`;
}

function verboseBlock(r: RevisionSummary): string[] {
  return [
    `Rev: ${pc.bold(terminalText(r.revision))}${tags(r)}`,
    `Parent: ${terminalText(r.downRevisions.join(", ")) || "<base>"}`,
    ...(r.dependsOn.length ? [`Depends on: ${terminalText(r.dependsOn.join(", "))}`] : []),
    ...(r.branchLabels.length ? [`Branch names: ${terminalText(r.branchLabels.join(", "))}`] : []),
    `Path: ${terminalText(r.file)}`,
    "",
    // A message may span lines: each line indented, none able to move the cursor.
    ...r.message.split(/\r\n|\n/).map((line) => `    ${terminalText(line)}`),
    "",
  ];
}

export function registerCommands(program: Command, ctx: CliContext): void {
  const common = () => ({ config: program.opts().config as string | undefined, reporter: ctx.reporter });

  program
    .command("init")
    .description("create kiln.config.ts (embedded PGlite by default), a migrations folder and a models stub; never overwrites")
    .option("--url <url>", "database URL to write into the config")
    .option("--migrations <dir>", "migrations folder", "migrations")
    .option("--from <tool>", "move a drizzle-kit project: read drizzle.config.ts, write kiln.config.ts next to it (its schema as the models), import its history with downgrades and stamp the database")
    .option("--drizzle-config <file>", "with --from drizzle: the drizzle-kit config (default: drizzle.config.ts here)")
    .option("--no-import", "with --from drizzle: write the config only, import no history")
    .option("--no-verify", "with --from drizzle: skip the stairway check (kiln test) on the imported revisions")
    .action(async (opts: { url?: string; migrations: string; from?: string; drizzleConfig?: string; import: boolean; verify: boolean }) => {
      if (opts.from !== undefined) {
        if (opts.from !== "drizzle") throw new UsageError(`kiln init --from takes drizzle (other tools' histories: kiln import ${JSON.stringify(opts.from)} FOLDER), got ${JSON.stringify(opts.from)}`);
        if (opts.url !== undefined) throw new UsageError("kiln init --from drizzle takes the database from drizzle.config.ts; leave out --url (or set DATABASE_URL afterwards)");
        const { initFromDrizzle } = await import("../commands/init-drizzle.js");
        const result = await initFromDrizzle({
          drizzleConfig: opts.drizzleConfig,
          migrations: opts.migrations,
          importHistory: opts.import,
          verify: opts.verify,
          reporter: ctx.reporter,
          onMigration: (m) => printErr(pc.dim(`replayed ${m.index + 1}/${m.total} ${terminalText(m.file)}`)),
        });
        const p = result.project;
        printErr(`read ${terminalText(result.drizzleConfig)}: ${p.dialect}, ${p.models.length} schema file(s) (${terminalText(p.models.join(", "))}), migrations in ${terminalText(p.out)}, table ${terminalText(p.migrationsTable.name)}`);
        for (const path of result.created) printErr(`${pc.green("created")} ${terminalText(path)}`);
        for (const entry of result.gitignored) printErr(`${pc.green("ignored")} ${entry} ${pc.dim("(added to .gitignore)")}`);
        for (const warning of result.warnings) printErr(`${pc.yellow("warning:")} ${terminalMessage(warning)}`);
        const imported = result.imported;
        if (imported) {
          for (const r of imported.revisions) printOut(`${pc.green("wrote")} ${pc.bold(r.revision)} ${terminalText(r.message)}  ${pc.dim(`${terminalText(r.source)}, ${r.statements} statement(s), derived downgrade${r.notes.length > 0 ? `, ${r.notes.length} note(s)` : ""}`)}`);
          printErr(`imported ${imported.revisions.length} drizzle-kit migration(s) (replayed on ${imported.scratch})`);
          const s = imported.stamp;
          if (s?.revision) printErr(pc.green(`stamped the database at ${s.revision} (${terminalText(s.source ?? "")}), as ${terminalText(s.table)} records ${s.applied} applied migration(s); nothing ran`));
          else if (s?.skipped) printErr(pc.yellow(`not stamped: ${terminalMessage(s.skipped)}`));
          if (imported.verified && !imported.verified.ok) {
            printErr(`${pc.red("error:")} kiln test: ${terminalMessage(imported.verified.summary ?? "")}`);
            for (const line of imported.verified.details) printErr(`  ${terminalMessage(line)}`);
            ctx.setExitCode(1);
          } else if (imported.verified) printErr(pc.green("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas"));
        }
        printErr(pc.dim('next: `kiln check` should find nothing to change; then `kiln revision --autogenerate -m "..."` after each schema change'));
        return;
      }
      const { init } = await commands.init();
      const result = await init({ url: opts.url, migrations: opts.migrations });
      for (const path of result.created) printErr(`${pc.green("created")} ${path}`);
      for (const path of result.skipped) printErr(`${pc.dim("exists ")} ${path} ${pc.dim("(left as it is)")}`);
      for (const entry of result.gitignored) printErr(`${pc.green("ignored")} ${entry} ${pc.dim("(added to .gitignore)")}`);
      for (const warning of result.warnings) printErr(`${pc.yellow("warning:")} ${warning}`);
      if (result.driver) {
        printErr(`the ${result.driver.scheme} URL needs the "${result.driver.package}" package (kiln does not install drivers itself): ${pc.bold(result.driver.install)}`);
      }
    });

  program
    .command("revision")
    .description("create a new revision file (hand-written, or --autogenerate from the models)")
    .option("-m, --message <message>", "what the revision does")
    .option("--autogenerate", "compare the models with the database and write the operations")
    .option("--head <rev>", "parent revision (default: the single head; `base` starts a new root)")
    .option("--splice", "allow --head to name a revision that is not a head (starts a branch)")
    .option("--branch-label <label>", "branch label for the new revision (repeatable)", collect)
    .option("--depends-on <rev>", "revision that must be applied first (repeatable)", collect)
    .option("--rev-id <id>", "use this revision id instead of a random one")
    .option("--rename <old=new>", "autogenerate hint: table.old_column=table.new_column (repeatable)", collect)
    .option("--rename-table <old=new>", "autogenerate hint: old_table=new_table (repeatable)", collect)
    .option("--dev-url <url>", "autogenerate: spell the models in this empty dev database of the target's version, creating nothing on the target (overrides devUrl)")
    .action(async (opts) => {
      const { revision } = await commands.revision();
      const result = await revision({
        ...common(),
        ...(opts.devUrl !== undefined ? { devUrl: opts.devUrl as string } : {}),
        message: opts.message,
        autogenerate: opts.autogenerate,
        head: opts.head,
        splice: opts.splice,
        branchLabel: opts.branchLabel,
        dependsOn: opts.dependsOn,
        revId: opts.revId,
        renames: opts.rename,
        renameTables: opts.renameTable,
        interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      });
      if (!result.changed) {
        printErr(`no changes: the models match the database ${result.database ?? ""}; no revision written`);
        return;
      }
      for (const line of result.changes) printErr(`  ${terminalText(line)}`);
      printErr(`${pc.green("created")} revision ${pc.bold(result.revision)}: ${result.file}`);
    });

  for (const direction of ["upgrade", "downgrade"] as const) {
    const migrateCommand = program
      .command(direction)
      .description(
        direction === "upgrade"
          ? "apply revisions up to TARGET: head, heads, <rev>, <prefix>, +N, <rev>+N, LABEL@head"
          : "undo revisions down to TARGET: base, <rev>, <prefix>, -N, <rev>-N",
      )
      .argument("<target>", "where to go; with --sql also FROM:TO")
      .option("--sql", "print the SQL script instead of running it (no connection)")
      .option("--allow-changed", "go on even if an applied revision's file was edited since")
      .option("--no-lint", "do not print lint warnings about locking operations as the steps run")
      .option("--wait-for-replicas <lag>", "PostgreSQL: after each step, wait until every streaming standby has replayed to within LAG: bytes (0, 16MB) or a duration (5s) (docs/replication.md)")
      .option("--replica-timeout <duration>", "with --wait-for-replicas: fail when a standby is still behind after this long (default 10min; config replicaTimeoutMs)")
      .option("--logical", "PostgreSQL logical replication: migrate the publisher and subscribers of the config's logicalReplication, each step on the safe side first (docs/replication.md)")
      .option("--json", JSON_HELP);
    addFleetOptions(migrateCommand, direction === "upgrade" ? "upgrade" : "downgrade", true)
      .option("--verbose", "with --all: a row for every target in the summary table, however many")
      .action(async (target: string, opts: FleetFlags & { sql?: boolean; allowChanged?: boolean; lint: boolean; json?: boolean; waitForReplicas?: string; replicaTimeout?: string; logical?: boolean }) => {
        if (opts.json && opts.sql) throw new UsageError("--json and --sql cannot go together: --sql prints the SQL script on stdout");
        // What a single run (one database, or the --logical members in order) is given besides its own flags.
        const single = (reporter: Reporter) => ({ ...common(), reporter, target, sql: opts.sql, allowChanged: opts.allowChanged, lint: opts.lint });
        if (opts.logical) {
          if (opts.all) throw new UsageError("--logical and --all cannot go together: --logical migrates the config's logicalReplication members, --all its targets");
          if (opts.waitForReplicas !== undefined) throw new UsageError("--wait-for-replicas and --logical cannot go together: --logical's members are separate databases, not standbys");
          const { migrateLogical } = await import("../commands/logical.js");
          const { result } = await runRecordingSteps(ctx.reporter, (reporter) => migrateLogical(direction === "upgrade" ? "up" : "down", single(reporter)));
          if (opts.json) {
            printJson({ command: direction, target, logical: true, publication: result.publication, steps: result.steps, members: result.members });
            return;
          }
          if (result.steps.length > 0) {
            for (const m of result.members) printErr(`${pc.bold(m.role === "publisher" ? "publisher " : "subscriber")} at ${m.heads.join(", ") || "base"} ${pc.dim(`(${m.database})`)}`);
          }
          return;
        }
        if (opts.sql && (opts.waitForReplicas !== undefined || opts.replicaTimeout !== undefined)) {
          throw new UsageError("--wait-for-replicas waits on a live primary: it cannot go with --sql, which only prints the script");
        }
        fleetFlags(opts);
        if (opts.all) {
          if (opts.sql) throw new UsageError("--all and --sql cannot go together: --sql prints one script without connecting; run it once per database yourself");
          const { fleetMigrate } = await commands.fleet();
          await fleetCli(direction, opts, { target }, ctx.setExitCode, (fleet) =>
            fleetMigrate(direction === "upgrade" ? "up" : "down", {
              ...common(),
              ...fleet,
              target,
              allowChanged: opts.allowChanged,
              lint: opts.lint,
              waitForReplicas: opts.waitForReplicas,
              replicaTimeout: opts.replicaTimeout,
            }),
          );
          return;
        }
        const { upgrade, downgrade } = await commands.migrate();
        const run = direction === "upgrade" ? upgrade : downgrade;
        const { result, steps } = await runRecordingSteps(ctx.reporter, (reporter) =>
          run({
            ...single(reporter),
            waitForReplicas: opts.waitForReplicas,
            replicaTimeout: opts.replicaTimeout,
            write: (line) => printScript(line),
          }),
        );
        if (opts.json) {
          printJson({ command: direction, target, database: result.database, steps, heads: result.heads });
          return;
        }
        if (!opts.sql && result.steps.length > 0) {
          printErr(`${pc.bold(direction === "upgrade" ? "at" : "now at")} ${result.heads.join(", ") || "base"} ${pc.dim(`(${result.database})`)}`);
        }
      });
  }

  const currentCommand = program
    .command("current")
    .description("show the revision(s) the database is at; (head) marks a head; --all: a matrix of every target's revision")
    .option("-v, --verbose", "show details of each revision")
    .option("--check-heads", "exit 1 unless the database is at the head(s) (with --all: unless every target is)")
    .option("--json", JSON_HELP);
  addFleetOptions(currentCommand, "read the revision", false)
    .action(async (opts: FleetFlags & { verbose?: boolean; checkHeads?: boolean; json?: boolean }) => {
      fleetFlags(opts);
      if (opts.all) {
        const { fleetCurrent } = await commands.fleet();
        await fleetCli("current", { ...opts, continueOnError: true }, {}, ctx.setExitCode, (fleet) =>
          fleetCurrent({ ...common(), ...fleet, continueOnError: true, checkHeads: opts.checkHeads }),
        );
        return;
      }
      const { current } = await commands.status();
      const result = await current({ ...common(), checkHeads: opts.checkHeads });
      if (result.current.length === 0) printErr(pc.dim(`the database is at base (no revision applied): ${result.database}`));
      if (opts.json) {
        const entries = result.current.map((e) => (e.known ? { ...e.known, known: true } : { revision: e.revision, known: false }));
        printJson({ database: result.database, current: entries, upToDate: result.upToDate });
        return;
      }
      for (const entry of result.current) {
        if (!entry.known) {
          printOut(`${terminalText(entry.revision)} ${pc.red("(unknown: no such revision file)")}`);
        } else if (opts.verbose) {
          for (const line of verboseBlock(entry.known)) printOut(line);
        } else {
          printOut(summaryLine(entry.known));
        }
      }
      if (result.partial) {
        printErr(pc.yellow(`warning: ${result.partial.message}`));
        for (const line of result.partial.advice) printErr(`  ${line}`);
      }
    });

  program
    .command("history")
    .description("list revisions, newest first")
    .option("-r, --rev-range <range>", "START:END, either side optional")
    .option("-v, --verbose", "show details of each revision")
    .option("-i, --indicate-current", "mark the revision(s) the database is at")
    .option("--graph", "draw branches and merges as lines beside the revisions (@ marks the current one with -i)")
    .option("--json", JSON_HELP)
    .action(async (opts: { revRange?: string; verbose?: boolean; indicateCurrent?: boolean; graph?: boolean; json?: boolean }) => {
      if (opts.graph && (opts.json || opts.verbose)) throw new UsageError(`--graph and ${opts.json ? "--json" : "--verbose"} cannot go together`);
      const { history } = await commands.status();
      const list = await history({ ...common(), range: opts.revRange, indicateCurrent: opts.indicateCurrent });
      if (opts.json) return printJson({ revisions: list });
      if (opts.graph) {
        const { layoutGraph } = await import("../revisions/graph-layout.js");
        const byId = new Map(list.map((r) => [r.revision, r]));
        const current = new Set(list.filter((r) => r.isCurrent).map((r) => r.revision));
        for (const row of layoutGraph(list, current)) {
          const r = row.revision === undefined ? undefined : byId.get(row.revision)!;
          printOut(r ? `${row.graph}  ${summaryLine(r)}` : row.graph);
        }
        return;
      }
      printOutLines(opts.verbose ? list.flatMap(verboseBlock) : list.map(historyLine));
    });

  program
    .command("graph")
    .description("write the revision graph as a Mermaid or Graphviz DOT diagram on stdout, for docs and pull requests")
    .addOption(new Option("--format <format>", "diagram syntax").choices(["mermaid", "dot"]).default("mermaid"))
    .option("-r, --rev-range <range>", "START:END, either side optional")
    .option("-i, --indicate-current", "mark the revision(s) the database is at (connects to the database)")
    .action(async (opts: { format: "mermaid" | "dot"; revRange?: string; indicateCurrent?: boolean }) => {
      const { graph } = await commands.graph();
      const text = await graph({ ...common(), format: opts.format, range: opts.revRange, indicateCurrent: opts.indicateCurrent });
      printOut(text.replace(/\n$/, ""));
    });

  program
    .command("heads")
    .description("list the head revisions")
    .option("-v, --verbose", "show details")
    .option("--json", JSON_HELP)
    .action(async (opts: { verbose?: boolean; json?: boolean }) => {
      const { heads } = await commands.status();
      const list = await heads(common());
      if (opts.json) return printJson({ heads: list });
      for (const r of list) {
        if (opts.verbose) for (const line of verboseBlock(r)) printOut(line);
        else printOut(summaryLine(r));
      }
    });

  program
    .command("branches")
    .description("list branch points (revisions with several children)")
    .option("-v, --verbose", "show details")
    .option("--json", JSON_HELP)
    .action(async (opts: { verbose?: boolean; json?: boolean }) => {
      const { branches } = await commands.status();
      const list = await branches(common());
      if (opts.json) return printJson({ branches: list });
      for (const r of list) {
        if (opts.verbose) for (const line of verboseBlock(r)) printOut(line);
        else printOut(historyLine(r));
        for (const child of r.children) printOut(`  -> ${terminalText(child)}`);
      }
    });

  program
    .command("show")
    .description("show one revision")
    .argument("<rev>", "revision id, unique prefix, head, LABEL@head")
    .option("--json", JSON_HELP)
    .action(async (rev: string, opts: { json?: boolean }) => {
      const { show } = await commands.status();
      const result = await show({ ...common(), revision: rev });
      if (opts.json) return printJson(result);
      for (const line of verboseBlock(result)) printOut(line);
    });

  const checkCommand = program
    .command("check")
    .description("exit 1 if the models differ from the database at head (a drift gate for CI), 0 if they match; --all: drift per target")
    .option("--json", JSON_HELP)
    .option("--dev-url <url>", "spell the models in this empty dev database of the target's version, creating nothing on the target (overrides devUrl)");
  addFleetOptions(checkCommand, "compare the models", false)
    .action(async (opts: FleetFlags & { json?: boolean; devUrl?: string }) => {
      fleetFlags(opts);
      if (opts.all) {
        const { fleetCheck } = await commands.fleet();
        await fleetCli("check", { ...opts, continueOnError: true }, {}, ctx.setExitCode, (fleet) => fleetCheck({ ...common(), ...(opts.devUrl !== undefined ? { devUrl: opts.devUrl } : {}), ...fleet, continueOnError: true }));
        return;
      }
      const { check } = await commands.check();
      const result = await check({ ...common(), ...(opts.devUrl !== undefined ? { devUrl: opts.devUrl } : {}) });
      for (const warning of result.warnings) ctx.reporter.warn(warning);
      if (opts.json) {
        printJson({ database: result.database, clean: result.clean, changes: result.changes, warnings: result.warnings });
        if (!result.clean) ctx.setExitCode(1);
        return;
      }
      if (result.clean) {
        printErr(pc.green(`the models match the database ${result.database}: no migration needed`));
        return;
      }
      printErr(pc.red(`the models differ from the database ${result.database} (${result.changes.length} change(s) without a migration):`));
      for (const line of result.changes) printOut(`  ${terminalText(line)}`);
      printErr('create the migration with `kiln revision --autogenerate -m "..."`');
      ctx.setExitCode(1);
    });

  program
    .command("test")
    .description("stairway check on a scratch database: upgrade, downgrade and upgrade again each revision; every downgrade must restore the schema exactly")
    .option("--url <url>", "run on this empty database instead of a scratch one next to the configured database")
    .option("--keep", "keep the scratch database afterwards, to look at it")
    .option("--json", JSON_HELP)
    .action(async (opts: { url?: string; keep?: boolean; json?: boolean }) => {
      const { stairway } = await commands.stairway();
      // In JSON mode the per-revision lines are progress (stderr); the document carries the results.
      const printPass = opts.json ? printErr : printOut;
      const result = await stairway({
        ...common(),
        url: opts.url,
        keep: opts.keep,
        onStart: (s) =>
          printErr(pc.dim(`testing ${s.revisions} revision(s) on ${s.scratch ? "the scratch database " : ""}${s.database}${s.scratch && !opts.keep ? " (removed afterwards)" : ""}`)),
        onPass: (p) =>
          printPass(`${pc.green("✓")} ${pc.bold(terminalText(p.revision))}${p.message ? ` ${terminalText(p.message)}` : ""}  ${pc.dim(`(up ${p.upgradeMs} ms, down ${p.downgradeMs} ms, up again ${p.reupgradeMs} ms)`)}`),
      });
      if (opts.json) {
        printJson({
          ok: result.ok,
          database: result.database,
          revisions: result.revisions,
          passed: result.passed,
          failure: result.failure ?? null,
          kept: result.kept ?? null,
        });
        if (result.failure) {
          printErr(`${pc.red("error:")} ${terminalMessage(result.failure.summary)}`);
          ctx.setExitCode(1);
        }
        return;
      }
      if (result.failure) {
        const f = result.failure;
        printOut(`${pc.red("✗")} ${pc.bold(terminalText(f.revision))}${f.message ? ` ${terminalText(f.message)}` : ""}  ${pc.dim(terminalText(f.file))}`);
        printErr(`${pc.red("error:")} ${terminalMessage(f.summary)}`);
        for (const line of f.details) printErr(`  ${terminalMessage(line)}`);
        ctx.setExitCode(1);
      } else if (result.revisions === 0) {
        printErr("no revisions to test");
      } else {
        printErr(pc.green(`all ${result.revisions} revision(s) pass: each downgrade restores the schema and each upgrade runs again`));
      }
      if (result.kept) printErr(result.kept);
    });

  program
    .command("import")
    .description("turn another tool's migration folder into kiln revisions with derived downgrades, and stamp a database that tool migrated")
    .argument("<tool>", "drizzle (a drizzle-kit folder with meta/_journal.json), prisma (prisma/migrations), flyway (V<n>__*.sql, U<n>__*.sql) or sql (ordered .sql files)")
    .argument("<folder>", "the tool's migrations folder")
    .option("--scratch-url <url>", "replay the history on this empty database (default: a scratch database like the configured one, removed afterwards)")
    .option("--no-stamp", "do not stamp the configured database, even when the old tool's table says it ran the history")
    .option("--tool-table <name>", "the old tool's table when it has another name (table or schema.table), e.g. drizzle's migrations.table")
    .option("--no-verify", "skip the stairway check (kiln test) on the written revisions")
    .option("--placeholder <name=value>", "flyway: the value of a placeholder ${name} in the migrations (repeatable; over flyway.conf's flyway.placeholders.*)", collect, [])
    .option("--flyway-config <file>", "flyway: the flyway.conf whose flyway.placeholders.* to use (default: flyway.conf beside the folder or here)")
    .option("--json", JSON_HELP)
    .action(async (tool: string, folder: string, opts: { scratchUrl?: string; stamp: boolean; toolTable?: string; verify: boolean; json?: boolean; placeholder: string[]; flywayConfig?: string }) => {
      const { importHistory, IMPORT_SOURCES } = await commands.importHistory();
      if (!(IMPORT_SOURCES as readonly string[]).includes(tool)) {
        throw new UsageError(`unknown tool ${JSON.stringify(tool)}: kiln import reads ${IMPORT_SOURCES.join(", ")}`);
      }
      const result = await importHistory({
        ...common(),
        from: tool as (typeof IMPORT_SOURCES)[number],
        folder,
        scratchUrl: opts.scratchUrl,
        stamp: opts.stamp,
        toolTable: opts.toolTable,
        verify: opts.verify,
        placeholders: opts.placeholder,
        ...(opts.flywayConfig !== undefined ? { flywayConfig: opts.flywayConfig } : {}),
        onMigration: (m) => printErr(pc.dim(`replayed ${m.index + 1}/${m.total} ${terminalText(m.file)}`)),
      });
      if (opts.json) {
        printJson({
          from: result.from,
          folder: result.folder,
          scratch: result.scratch,
          revisions: result.revisions,
          warnings: result.warnings,
          stamp: result.stamp ?? null,
          verified: result.verified ?? null,
        });
      } else {
        for (const r of result.revisions) {
          const tag = r.downgrade === "undo" ? "undo script" : r.notes.length > 0 ? pc.yellow(`derived downgrade, ${r.notes.length} note(s)`) : "derived downgrade";
          printOut(`${pc.green("wrote")} ${pc.bold(r.revision)} ${terminalText(r.message)}  ${pc.dim(`${terminalText(r.source)}, ${r.statements} statement(s), ${tag}`)}`);
        }
        printErr(`imported ${result.revisions.length} migration(s) from ${terminalText(result.folder)} (replayed on ${result.scratch})`);
      }
      if (result.stamp) {
        const s = result.stamp;
        if (s.revision) printErr(pc.green(`stamped the database at ${s.revision} (${terminalText(s.source ?? "")}), as ${terminalText(s.table)} records ${s.applied} applied migration(s); nothing ran, and ${terminalText(s.table)} stays in place`));
        else if (s.skipped) printErr(pc.yellow(`not stamped: ${terminalMessage(s.skipped)}`));
      }
      if (result.verified) {
        if (result.verified.ok) printErr(pc.green("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas"));
        else {
          printErr(`${pc.red("error:")} kiln test: ${terminalMessage(result.verified.summary ?? "")}`);
          for (const line of result.verified.details) printErr(`  ${terminalMessage(line)}`);
          printErr("the revisions were written; fix the downgrade named above by hand, then run `kiln test`");
          ctx.setExitCode(1);
        }
      }
    });

  const stampCommand = program
    .command("stamp")
    .description("set the version table to REV(s) without running migrations")
    .argument("<revs...>", "revision(s), head, heads or base")
    .option("--purge", "empty the version table first (also of unknown revisions)")
    .option("--sql", "print the SQL instead of running it")
    .option("--json", "with --all: " + JSON_HELP);
  addFleetOptions(stampCommand, "stamp", true)
    .option("--verbose", "with --all: a row for every target in the summary table, however many")
    .action(async (revs: string[], opts: FleetFlags & { purge?: boolean; sql?: boolean; json?: boolean }) => {
      fleetFlags(opts);
      if (opts.all) {
        if (opts.sql) throw new UsageError("--all and --sql cannot go together: --sql prints one script without connecting");
        const { fleetStamp } = await commands.fleet();
        await fleetCli("stamp", opts, { revisions: revs }, ctx.setExitCode, (fleet) => fleetStamp({ ...common(), ...fleet, revisions: revs, purge: opts.purge }));
        return;
      }
      if (opts.json) throw new UsageError("stamp takes --json with --all only");
      const { stamp } = await commands.stamp();
      await stamp({ ...common(), revisions: revs, purge: opts.purge, sql: opts.sql, write: (line) => printScript(line) });
    });

  program
    .command("merge")
    .description("create a revision that joins several heads")
    .argument("<revs...>", "revisions to join, or `heads`")
    .option("-m, --message <message>", "what the merge is", "merge")
    .option("--branch-label <label>", "branch label for the merge revision", collect)
    .option("--rev-id <id>", "use this revision id")
    .action(async (revs: string[], opts: { message: string; branchLabel?: string[]; revId?: string }) => {
      const { merge } = await commands.revision();
      const result = await merge({ ...common(), revisions: revs, message: opts.message, branchLabel: opts.branchLabel, revId: opts.revId });
      printErr(`${pc.green("created")} merge revision ${pc.bold(result.revision)}: ${result.file}`);
    });

  program
    .command("pull")
    .description("write models (kiln/schema TypeScript) from the database, and its naming convention into kiln.config.ts")
    .option("--url <url>", "the database to read (default: the config's url, or DATABASE_URL)")
    .option("--out <path>", "the models file (default: the config's models, else src/db/schema.ts); a folder with --split")
    .addOption(new Option("--split <how>", "one file per schema or per table, in the --out folder, with an index.ts").choices(["schema", "table"]))
    .option("--schema <name>", "a schema to read (repeatable; default: every schema a user made)", collect)
    .option("--table <pattern>", "only tables matching name, schema.name or a * pattern (repeatable)", collect)
    .option("--exclude-table <pattern>", "leave out tables matching the pattern (repeatable)", collect)
    .option("--force", "overwrite model files that exist")
    .option("--baseline", "also write a first revision that creates the schema (its downgrade drops it) and stamp the database at it")
    .option("-m, --message <message>", "the baseline revision's message")
    .option("--json", JSON_HELP)
    .action(async (opts: { url?: string; out?: string; split?: "schema" | "table"; schema?: string[]; table?: string[]; excludeTable?: string[]; force?: boolean; baseline?: boolean; message?: string; json?: boolean }) => {
      const { pull } = await commands.pull();
      const terminal = Boolean(process.stderr.isTTY) && !opts.json;
      const result = await pull({
        ...common(),
        url: opts.url,
        out: opts.out,
        split: opts.split,
        schemas: opts.schema,
        tables: opts.table,
        excludeTables: opts.excludeTable,
        force: opts.force,
        baseline: opts.baseline,
        message: opts.message,
        progress: terminal ? (message) => printErr(pc.dim(`${terminalText(message)}...`)) : undefined,
      });
      if (opts.json) {
        printJson({
          database: result.database,
          files: result.files,
          config: result.config,
          naming: result.naming,
          schemas: result.schemas,
          counts: result.counts,
          versionTables: result.versionTables,
          notes: result.notes,
          baseline: result.baseline ?? null,
          durationMs: result.durationMs,
        });
        return;
      }
      const c = result.counts;
      const kinds = [
        `${c.tables} table(s)`,
        ...(c.views ? [`${c.views} view(s)`] : []),
        ...(c.routines ? [`${c.routines} function(s) or procedure(s)`] : []),
        ...(c.aggregates ? [`${c.aggregates} aggregate(s)`] : []),
        ...(c.triggers ? [`${c.triggers} trigger(s)`] : []),
        ...(c.enums ? [`${c.enums} enum(s)`] : []),
        ...(c.domains ? [`${c.domains} domain(s)`] : []),
        ...(c.collations ? [`${c.collations} collation(s)`] : []),
        ...(c.compositeTypes ? [`${c.compositeTypes} composite type(s)`] : []),
        ...(c.sequences ? [`${c.sequences} sequence(s)`] : []),
        ...(c.extensions ? [`${c.extensions} extension(s)`] : []),
        ...(c.operators ? [`${c.operators} operator(s)`] : []),
      ];
      printErr(`pulled ${kinds.join(", ")} from ${result.database} in ${result.durationMs} ms`);
      for (const file of result.files) printErr(`${pc.green("wrote")} ${terminalText(file)}`);
      printErr(`${pc.green(result.config.action === "unchanged" ? "kept " : result.config.action)} ${terminalText(result.config.file)}${Object.keys(result.naming).length > 0 ? ` (naming: ${terminalText(Object.entries(result.naming).map(([k, v]) => `${k} ${v}`).join(", "))})` : ""}`);
      if (result.baseline) printErr(`${pc.green("created")} baseline revision ${pc.bold(result.baseline.revision)}: ${terminalText(result.baseline.file)} (the database is stamped at it)`);
      printErr(pc.dim("next: `kiln check` should find nothing to change"));
    });

  program
    .command("types")
    .description("write the models' types for a typed query builder: --kysely, Kysely's Database interface as a .d.ts (stdout without --out)")
    .option("--kysely", "Kysely's Database interface (DB) with one interface per table")
    .option("--out <file>", "the .d.ts file to write (default: print it)")
    .action(async (opts: { kysely?: boolean; out?: string }) => {
      if (!opts.kysely) throw new UsageError("say which types to write: kiln types --kysely (the one kind there is)");
      const { kyselyTypesFile } = await commands.types();
      const result = await kyselyTypesFile({ ...common(), out: opts.out });
      if (result.file === undefined) printOut(result.text.replace(/\n$/, ""));
      else printErr(`${pc.green("wrote")} ${terminalText(result.file)} (${result.tables} table(s)); use it as new Kysely<DB>(...)`);
    });

  program
    .command("lint")
    .description("warn about operations that lock or rewrite a table for long (exit 1 when there are warnings, for CI)")
    .argument("[rev]", "one revision, or an inclusive START:END range (default: every revision)")
    .option("--pending", "connect and lint only the revisions the database has not applied")
    .option("--dialect <name>", "lint for postgresql, mysql or sqlite (default: the config URL's database)")
    .option("--json", "print the results as JSON")
    .action(async (rev: string | undefined, opts: { pending?: boolean; dialect?: string; json?: boolean }) => {
      const [{ lint }, format] = await Promise.all([commands.lint(), import("../lint/format.js")]);
      const result = await lint({ ...common(), target: rev, pending: opts.pending, dialect: opts.dialect as DialectName | undefined });
      const report = { dialect: result.dialect, revisions: result.revisions };
      if (opts.json) printOut(format.formatLintJson(report));
      else for (const line of format.formatLintText(report, pc)) printOut(line);
      printErr(format.formatLintSummary(report, pc));
      if (!result.clean) ctx.setExitCode(1);
    });
}
