/**
 * Command-line options of bench/run.mjs.
 *
 *   node bench/run.mjs                 full run: 100 and 1,000 tables, 500 revisions, 5/3 runs; writes docs/benchmarks.md
 *   node bench/run.mjs --quick         small sizes, 1 run each; writes bench/.work/benchmarks-quick.md
 *   --tables=100,1000  --revisions=500  --startup-revisions=20  --runs=5  --slow-runs=3
 *   --only=autogenerate,startup,history   --no-build   --no-profile   --out=FILE
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DOC_FILE, WORK_DIR } from "./paths.mjs";

const WORKLOADS = ["autogenerate", "startup", "history"];

function positiveIntegers(text, flag) {
  const values = text.split(",").map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--${flag} takes positive whole numbers, got ${JSON.stringify(text)}`);
  return values;
}

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      tables: { type: "string" },
      revisions: { type: "string" },
      "startup-revisions": { type: "string" },
      runs: { type: "string" },
      "slow-runs": { type: "string" },
      only: { type: "string" },
      build: { type: "boolean", default: true },
      "no-build": { type: "boolean", default: false },
      profile: { type: "boolean", default: true },
      "no-profile": { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const quick = values.quick;
  const only = values.only ? values.only.split(",").map((w) => w.trim()) : WORKLOADS;
  for (const w of only) if (!WORKLOADS.includes(w)) throw new Error(`--only: unknown workload ${JSON.stringify(w)} (known: ${WORKLOADS.join(", ")})`);
  const runs = values.runs ? positiveIntegers(values.runs, "runs")[0] : quick ? 1 : 5;
  return {
    help: values.help,
    quick,
    only,
    tables: values.tables ? positiveIntegers(values.tables, "tables") : quick ? [20] : [100, 1000],
    revisions: values.revisions ? positiveIntegers(values.revisions, "revisions")[0] : quick ? 50 : 500,
    startupRevisions: values["startup-revisions"] ? positiveIntegers(values["startup-revisions"], "startup-revisions")[0] : 20,
    runs,
    slowRuns: values["slow-runs"] ? positiveIntegers(values["slow-runs"], "slow-runs")[0] : quick ? 1 : 3,
    build: values.build && !values["no-build"],
    profile: values.profile && !values["no-profile"],
    out: values.out ?? (quick ? join(WORK_DIR, "benchmarks-quick.md") : DOC_FILE),
  };
}
