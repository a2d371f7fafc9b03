/**
 * `--help` teaches: every command of the program (read from the program object,
 * so a new command cannot be forgotten) ends its help with examples that start
 * with `kiln <command>`, and shows the global options.
 */
import { execFile, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createProgram } from "../../src/cli/program.js";
import { silentReporter } from "../../src/runtime/reporter.js";
import { KILN_BIN, type CliResult } from "../helpers/project.js";

function kiln(args: string[]): Promise<CliResult> {
  return new Promise((resolve) =>
    execFile(process.execPath, [KILN_BIN, ...args], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

const names = createProgram({ reporter: silentReporter, setExitCode: () => undefined }).commands.map((c) => c.name());

describe("kiln <command> --help", () => {
  it("covers the commands", () => {
    expect(names).toEqual(expect.arrayContaining(["init", "revision", "upgrade", "downgrade", "current", "check", "test", "lint"]));
  });

  it.each(names)("%s ends with examples and shows the global options", async (name) => {
    const { code, stdout } = await kiln([name, "--help"]);
    expect(code).toBe(0);
    const examples = stdout.slice(stdout.indexOf("\nExamples:\n"));
    expect(stdout).toContain("\nExamples:\n");
    const lines = examples.split("\n").filter((line) => line.startsWith("  $ "));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(new RegExp(`^  \\$ (\\S+=\\S+ )?kiln ${name}\\b`));
    expect(stdout).toContain("Global Options:");
    expect(stdout).toContain("--config <path>");
  });

  it("the top-level help names the environment variables, KILN_DEBUG among them", async () => {
    const { code, stdout } = await kiln(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Examples:");
    expect(stdout).toContain("KILN_DEBUG");
    expect(stdout).toContain("DATABASE_URL");
  });

  it("a reader that stops early (`kiln --help | head`) ends the output quietly, and kiln exits 0", async () => {
    const child = spawn(process.execPath, [KILN_BIN, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // Close the pipe's reading end before kiln writes, as `head` does once it has enough: kiln's writes meet EPIPE.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
