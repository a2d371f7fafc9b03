import { readFileSync } from "node:fs";
import { it } from "vitest";
import { sqliteRoundTrip } from "../helpers/sqlite-roundtrip.js";
for (const name of ["chinook", "sakila"]) it(name, async () => {
  const r = await sqliteRoundTrip({ sql: readFileSync(`test/fixtures/sqlite/${name}.sql`, "utf8") });
  console.log(name, "failed:", r.failedStep, r.failedStep ? r.steps.at(-1)!.stderr.slice(0, 3000) : "");
  console.log(r.diff.slice(0, 5000));
  console.log(r.warnings.filter((w) => !/breaks every running|^Drops table|^revision /.test(w)));
  r.project.remove();
}, 120000);
