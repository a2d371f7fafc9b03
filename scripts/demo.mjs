#!/usr/bin/env node
// The whole kiln workflow on the embedded database (PGlite), no server needed:
// models -> autogenerate -> upgrade -> current -> change models -> autogenerate
// -> upgrade -> downgrade -1 -> current. Runs in .kiln-demo/ (recreated each time).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const demo = join(root, ".kiln-demo");
const kiln = join(root, "bin", "kiln.js");
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

function step(title) {
  console.log(`\n${bold(`## ${title}`)}`);
}

function run(...args) {
  console.log(bold(`$ kiln ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`));
  try {
    const out = execFileSync(process.execPath, [kiln, ...args], { cwd: demo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DATABASE_URL: "" } });
    process.stdout.write(out);
  } catch (error) {
    process.stdout.write(error.stdout ?? "");
    process.stdout.write(error.stderr ?? "");
    console.error(`demo failed at: kiln ${args.join(" ")}`);
    process.exit(1);
  }
}

function runShowingStderr(...args) {
  console.log(bold(`$ kiln ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`));
  const result = execFileSync(process.execPath, [kiln, ...args], { cwd: demo, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, DATABASE_URL: "" } });
  process.stdout.write(result);
}

rmSync(demo, { recursive: true, force: true });
mkdirSync(join(demo, "node_modules"), { recursive: true });
// The demo project uses this checkout of kiln as its `kiln` package.
symlinkSync(root, join(demo, "node_modules", "kiln-migrate"), "dir");
const example = join(root, "examples", "prototypes-service");

step("1. A new project on the embedded database (PGlite: no server)");
runShowingStderr("init");

step("2. The models: a prototypes table with a named check constraint, an updated_at trigger and a view");
cpSync(join(example, "src", "db", "schema.ts"), join(demo, "src", "db", "schema.ts"));
console.log(readFileSync(join(demo, "src", "db", "schema.ts"), "utf8"));

step("3. Create the first migration from the models");
runShowingStderr("revision", "--autogenerate", "-m", "create prototypes");
const first = readdirSync(join(demo, "migrations")).filter((f) => f.endsWith(".ts"));
console.log(readFileSync(join(demo, "migrations", first[0]), "utf8"));

step("4. Apply it, and look at the status");
runShowingStderr("upgrade", "head");
run("current");

step("5. Change the models: a new column and a stricter check");
const schemaFile = join(demo, "src", "db", "schema.ts");
writeFileSync(schemaFile, readFileSync(join(example, "demo", "schema-v2.ts"), "utf8"));
console.log(readFileSync(schemaFile, "utf8"));

step("6. Create the second migration");
runShowingStderr("revision", "--autogenerate", "-m", "add notes and tighten check");
const second = readdirSync(join(demo, "migrations")).filter((f) => f.endsWith(".ts") && !first.includes(f));
console.log(readFileSync(join(demo, "migrations", second[0]), "utf8"));

step("7. Apply, step back, and look again");
runShowingStderr("upgrade", "head");
run("current");
runShowingStderr("downgrade", "-1");
run("current");
run("history", "--indicate-current");

console.log(`\n${bold("Done.")} The demo project is in ${demo}; run kiln there yourself: cd .kiln-demo && node ../bin/kiln.js --help`);
