#!/usr/bin/env node
/**
 * The `kiln` command line: parses arguments (commander), calls the command
 * functions in commands/, prints their results, and exits 0 (success),
 * 1 (failure) or 2 (usage error).
 */
import { setFlagsFromString } from "node:v8";
import { CommanderError } from "commander";
import { errorDocument, printJson } from "./json.js";
import { printErr, reportError, terminalReporter } from "./output.js";
import { createProgram } from "./program.js";

/**
 * PGlite (the embedded default) is PostgreSQL compiled to WebAssembly. V8 compiles
 * it with its baseline compiler (Liftoff) and then recompiles hot functions with
 * its optimizing one in background threads; a command lasts too little for that
 * to pay: with Liftoff only, opening a database took about half the CPU time and
 * 85 MB less memory, and 500 DDL transactions a quarter less CPU (docs/benchmarks.md,
 * "The embedded default"). Only for the CLI's own short-lived process: the API
 * leaves the V8 flags of a caller's process alone. Known to V8 since 2019
 * (Node 12); `node --v8-options` lists it.
 */
setFlagsFromString("--liftoff-only");

/**
 * A reader that stops early (`kiln history | head`) closes the pipe: the rest
 * of stdout is dropped and the command still runs to its end and exits with its
 * own code (an upgrade is never cut off by it). Other stdout errors stay fatal.
 */
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = createProgram({ reporter: terminalReporter(), setExitCode: (code) => (exitCode = code) });

  // With --json a failure also prints a JSON error document on stdout (the text message stays on stderr).
  const optionsPart = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  let json = optionsPart.includes("--json");
  program.hook("preAction", (_program, action) => {
    json = Boolean(action.opts().json);
  });
  const fail = (error: unknown, code: number): number => {
    if (json) printJson(errorDocument(error, code));
    return code;
  };

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
      return fail(new Error(error.message.replace(/^error: /, "")), 2);
    }
    return fail(error, reportError(error));
  }
}

let settled = false;
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error) => {
    settled = true;
    printErr(String(error));
    process.exitCode = 1;
  },
);

/**
 * Node exits when nothing is left to wait for, even if the command never
 * finished (code it ran awaits a promise nothing settles): that must not pass
 * for success. The runner turns such a revision into a failed step itself; on
 * the first 'beforeExit' it gets a turn to do so, and only a command still
 * unfinished at the next one is reported here.
 */
let drainedOnce = false;
process.on("beforeExit", () => {
  if (settled) return;
  if (!drainedOnce) {
    drainedOnce = true;
    setImmediate(() => undefined);
    return;
  }
  settled = true;
  printErr(
    "error: kiln stopped before the command finished: code it ran (the config, models or a revision file) waits for a promise that nothing will ever settle",
  );
  process.exitCode = 1;
});
