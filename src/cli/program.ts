/** The `kiln` program: global options, every subcommand, and the help texts. */
import { dirname } from "node:path";
import { Command, Option } from "commander";
import { loadProjectEnv } from "../config/dotenv.js";
import { findConfigFile } from "../config/load.js";
import { KILN_VERSION } from "../version.js";
import { type CliContext, registerCommands } from "./commands.js";
import { addHelpTexts } from "./help.js";

export function createProgram(ctx: CliContext): Command {
  const program = new Command("kiln")
    .description("Database schema migrations for TypeScript: autogenerate from models, upgrade, downgrade.")
    .version(KILN_VERSION, "-V, --version")
    .addOption(new Option("-c, --config <path>", "config file (default: kiln.config.ts in the working directory)"))
    // Set before the subcommands are made: they copy these settings.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program, ctx);
  addHelpTexts(program);
  program.hook("preAction", (_program, action) => {
    if (action.name() !== "init") loadEnvOfProject(program.opts().config as string | undefined);
  });
  return program;
}

/** `.env` beside the config file, before the config is read (it may use process.env). No config: nothing to load; the command says so. */
function loadEnvOfProject(config: string | undefined): void {
  let configFile: string;
  try {
    configFile = findConfigFile(process.cwd(), config);
  } catch {
    return;
  }
  loadProjectEnv(dirname(configFile));
}
