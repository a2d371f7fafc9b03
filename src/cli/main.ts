#!/usr/bin/env node
/**
 * The `kiln` command line: parses arguments (commander), calls the command
 * functions in commands/, prints their results, and exits 0 (success),
 * 1 (failure) or 2 (usage error).
 */
import { Command, CommanderError, Option } from "commander";
import { KILN_VERSION } from "../version.js";
import { KilnError } from "../errors.js";
import { printErr, reportError, terminalReporter } from "./output.js";
import { registerCommands } from "./commands.js";

export async function main(argv: string[]): Promise<number> {
  const program = new Command("kiln")
    .description("Database schema migrations for TypeScript: autogenerate from models, upgrade, downgrade.")
    .version(KILN_VERSION, "-V, --version")
    .addOption(new Option("-c, --config <path>", "config file (default: kiln.config.ts in the working directory)"))
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  let exitCode = 0;
  registerCommands(program, { reporter: terminalReporter(), setExitCode: (code) => (exitCode = code) });

  if (argv.length === 0) {
    // No command is a usage error (scripts must not mistake it for success).
    process.stderr.write("error: no command given; the commands are below\n\n");
    program.outputHelp({ error: true });
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, `help` and --version end here with code 0; bad usage with 1 from commander: we use 2.
      if (error.exitCode === 0) return 0;
      return 2;
    }
    if (error instanceof KilnError) return reportError(error);
    return reportError(error);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    printErr(String(error));
    process.exitCode = 1;
  },
);
