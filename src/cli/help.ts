/**
 * What `--help` teaches beyond the options: real examples for each command, and
 * the environment variables kiln reads (in the top-level help).
 */
import type { Command } from "commander";

const EXAMPLES: Record<string, string[]> = {
  init: [
    "kiln init                                   # embedded PostgreSQL (PGlite) in .kiln/db",
    "kiln init --url postgres://app@localhost:5432/app",
    "kiln init --url sqlite://app.db --migrations db/migrations",
    "kiln init --from drizzle                     # a drizzle-kit project: config, history with downgrades, stamp",
  ],
  revision: [
    'kiln revision --autogenerate -m "add prototypes"',
    'kiln revision -m "backfill names"              # an empty revision to write by hand',
    'kiln revision --autogenerate -m "rename" --rename prototypes.name=prototypes.title',
    'kiln revision --autogenerate -m "add tags" --dev-url postgres://app@localhost:5432/kiln_dev   # nothing created on the target',
  ],
  upgrade: [
    "kiln upgrade head",
    "kiln upgrade +1                              # one revision up",
    "kiln upgrade head --sql > upgrade.sql        # the SQL script, without connecting",
    "kiln upgrade head --wait-for-replicas 16MB   # after each step, let every standby replay to within 16 MB",
    "kiln upgrade head --wait-for-replicas 5s --replica-timeout 30min",
    "kiln upgrade head --all --parallel 8         # every target of the config's `targets` (docs/fleets.md)",
    "kiln upgrade head --all --canary 2 --continue-on-error --json > fleet.json",
    "kiln upgrade head --logical                  # a publisher and its subscribers (config logicalReplication), safe side first",
  ],
  downgrade: [
    "kiln downgrade -1                            # one revision down",
    "kiln downgrade base                          # undo everything",
    "kiln downgrade head:base --sql > downgrade.sql",
    "kiln downgrade -1 --wait-for-replicas 0       # each standby replays each step before the next",
    "kiln downgrade -1 --all --parallel 4         # one revision down on every target",
  ],
  current: ["kiln current", "kiln current --check-heads                   # exit 1 unless up to date (CI)", "kiln current --json", "kiln current --all                           # a matrix: which target is at which revision", "kiln current --all --check-heads --json      # exit 1 unless every target is at head"],
  history: ["kiln history --graph --indicate-current          # branches and merges as lines, @ at the current revision", "kiln history --indicate-current", "kiln history -r base:3f2a9c                  # from the first revision up to 3f2a9c", "kiln history --json"],
  graph: ["kiln graph > revisions.mmd                   # a Mermaid flowchart (GitHub renders it in Markdown)", "kiln graph --format dot | dot -Tsvg > revisions.svg", "kiln graph --indicate-current -r 3f2a:heads"],
  heads: ["kiln heads", "kiln heads --verbose"],
  branches: ["kiln branches", "kiln branches --json"],
  show: ["kiln show head", "kiln show 3f2a                               # a unique prefix of the id", "kiln show head --json"],
  check: ["kiln check                                   # exit 1 when the models differ from the database", "DATABASE_URL=postgres://ci@localhost:5432/ci kiln check --json", "kiln check --all --parallel 8                # drift per target of the fleet", "kiln check --dev-url postgres://ci@localhost:5432/kiln_dev   # spell the models there, not on the target"],
  test: [
    "kiln test                                    # on a scratch database, removed afterwards",
    "kiln test --keep                             # keep the scratch database to look at it",
    "kiln test --url postgres://postgres@localhost:5432/empty_db",
  ],
  stamp: ["kiln stamp head                              # mark an existing schema as up to date", "kiln stamp --purge base", "kiln stamp head --sql", "kiln stamp head --all                        # every target of the fleet"],
  import: [
    "kiln import drizzle ./drizzle                # a drizzle-kit folder (meta/_journal.json)",
    "kiln import prisma prisma/migrations",
    "kiln import flyway db/migration --scratch-url pglite://memory",
    "kiln import flyway db/migration --placeholder owner=app   # ${owner} in the SQL (also flyway.conf's flyway.placeholders.*)",
    "kiln import sql sql/ --no-stamp --no-verify",
  ],
  merge: ['kiln merge heads -m "merge"', 'kiln merge 3f2a 9b1c -m "join the billing branch"'],
  pull: [
    "kiln pull --url postgres://app@localhost:5432/app   # models in src/db/schema.ts, naming and URL in kiln.config.ts",
    "kiln pull --baseline                         # also a first revision, stamped as applied",
    "kiln pull --out src/db/schema --split table --force",
    "kiln pull --schema sales --table 'order*' --exclude-table '*_archive'",
  ],
  types: [
    "kiln types --kysely --out src/db/types.d.ts    # Kysely's Database interface: new Kysely<DB>(...)",
    "kiln types --kysely                          # print it",
  ],
  lint: ["kiln lint", "kiln lint --pending                          # only what the database has not applied", "kiln lint head --json"],
};

const ENVIRONMENT = [
  "DATABASE_URL   overrides the url in kiln.config.ts (also read from a .env file beside it)",
  "KILN_MIGRATION_URL  the URL for kiln's commands, over DATABASE_URL and the config's migrationUrl and url",
  "KILN_DEV_URL   the dev database autogenerate and check spell the models in (over the config's devUrl)",
  "KILN_DEBUG=1   print the stack trace of an error (and of the driver error behind it)",
  "NO_COLOR=1     no colour in the output",
];

function examplesText(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

/** Adds the examples after each subcommand's help, and the environment after the program's. */
export function addHelpTexts(program: Command): void {
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()];
    if (examples) command.addHelpText("after", examplesText(examples));
  }
  program.addHelpText(
    "after",
    `${examplesText(["kiln init", 'kiln revision --autogenerate -m "add prototypes"', "kiln upgrade head", "kiln current"])}\nEnvironment:\n${ENVIRONMENT.map((l) => `  ${l}`).join("\n")}\n\nRun \`kiln <command> --help\` for a command's options and examples.\n`,
  );
}
