/** The `kiln` program: global options, every subcommand, and the help texts. */
import { Command, Option } from "commander";
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
  return program;
}
