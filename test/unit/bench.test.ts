/**
 * The benchmark suite's own logic (bench/): the workloads it generates are what
 * they claim to be, and the report judges targets correctly. No timings are
 * asserted here; bench/run.mjs measures, tests only check correctness.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { buildGraph } from "../../src/revisions/graph.js";
import { loadRevisions } from "../../src/revisions/load.js";
import { readStaticMetadata } from "../../src/revisions/static-metadata.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
// The benchmark suite is plain JavaScript (bench/*.mjs), run by Node without a build.
import { summarize } from "../../bench/lib/measure.mjs";
import { END_MARKER, START_MARKER, evaluateTargets, renderResults, writeResults } from "../../bench/lib/report.mjs";
import { parseOptions } from "../../bench/lib/options.mjs";
import { kilnModels, largeSchema, schemaSql } from "../../bench/workloads/large-schema.mjs";
import { historySteps, writeKilnHistory } from "../../bench/workloads/history.mjs";

const scratch = mkdtempSync(join(tmpdir(), "kiln-bench-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("summarize", () => {
  it("gives the median, min and max", () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(summarize([]).n).toBe(0);
  });
});

describe("large schema workload", () => {
  it("gives every table one foreign key to another table, through a shallow tree", () => {
    const { tables } = largeSchema(1000);
    const byName = new Map(tables.map((t: { name: string; parent: string }) => [t.name, t]));
    expect(byName.size).toBe(1000);
    for (const t of tables) {
      expect(t.parent).not.toBe(t.name);
      expect(byName.has(t.parent)).toBe(true);
      for (const name of [t.pk, t.fk, t.check.name, ...t.indexes.map((i: { name: string }) => i.name)]) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      }
    }
    // SQLAlchemy reflects referred tables recursively: a long chain would overflow Python's stack.
    let depth = 0;
    const seen = new Set<string>();
    for (let name = tables[tables.length - 1].name; !seen.has(name); name = byName.get(name)!.parent) {
      seen.add(name);
      depth++;
    }
    expect(depth).toBeLessThan(20);
  });

  it("creates a database that equals the kiln models except for exactly one added column", async () => {
    const schema = largeSchema(4);
    const conn = await postgresDialect.connect(parseDatabaseUrl("pglite://memory"));
    try {
      await conn.query(schemaSql(schema));
      const file = join(scratch, "models.ts");
      const schemaModule = resolve(import.meta.dirname, "../../src/schema/index.ts");
      writeFileSync(file, kilnModels(schema).replace('"kiln-migrate/schema"', JSON.stringify(schemaModule)));
      const model = modelsToCatalog([await import(file)]);
      const database = await postgresDialect.introspect(conn);
      expect(database.tables).toHaveLength(4);
      const diff = compareCatalogs(await postgresDialect.canonicalize(conn, model), database);
      expect(diff.operations).toEqual([
        expect.objectContaining({ kind: "addColumn", table: schema.changedTable, column: expect.objectContaining({ name: "note", type: "text" }) }),
      ]);
    } finally {
      await conn.close();
    }
  });
});

describe("long history workload", () => {
  it("writes a linear chain of kiln revisions whose metadata kiln reads without importing them", async () => {
    const folder = mkdtempSync(join(scratch, "history-"));
    const steps = historySteps(6);
    writeKilnHistory(folder, steps);
    const revisions = await loadRevisions(folder);
    expect(revisions.map((r) => r.revision).sort()).toEqual(["r0001", "r0002", "r0003", "r0004", "r0005", "r0006"]);
    for (const r of revisions) expect(readStaticMetadata(readFileSync(r.file, "utf8"))).not.toBeNull();
    const graph = buildGraph(revisions);
    expect(graph.heads().map((h) => h.revision)).toEqual(["r0006"]);
    expect(steps.filter((s: { kind: string }) => s.kind === "createTable")).toHaveLength(3);
  });
});

function measurement(tool: string, label: string, medianMs: number, rssMb = 100) {
  return {
    tool,
    label,
    command: tool,
    time: { median: medianMs, min: medianMs, max: medianMs, n: 3 },
    rssMb: { median: rssMb, min: rssMb, max: rssMb, n: 3 },
  };
}

const results = [
  {
    workload: "autogenerate",
    tableCount: 1000,
    measurements: [
      measurement("kiln", "autogenerate, 1000 tables", 1000),
      measurement("Alembic", "autogenerate, 1000 tables", 10_000),
      measurement("pg_dump --schema-only", "autogenerate, 1000 tables", 400),
    ],
  },
  { workload: "startup", revisionCount: 20, measurements: [measurement("kiln", "current", 300), measurement("Alembic", "current", 299)] },
  {
    workload: "history",
    revisionCount: 500,
    measurements: [
      measurement("kiln", "upgrade head, 500 revisions", 1300, 250),
      measurement("psql -f (kiln's --sql script)", "upgrade head, 500 revisions", 1000),
    ],
  },
];

describe("report", () => {
  it("judges each target from the medians, limits included", () => {
    const targets = evaluateTargets(results);
    expect(targets.map((t: { met: boolean }) => t.met)).toEqual([true, false, false, true, false]);
    expect(targets[4].measured).toContain("250 MB");
  });

  it("replaces only the generated section of the document", () => {
    const file = join(scratch, "benchmarks.md");
    writeFileSync(file, `# intro\n\nhand-written\n\n${START_MARKER}\nold numbers\n${END_MARKER}\n\n## after\n`);
    const { markdown } = renderResults({
      machine: { cores: 2, cpuModel: "cpu", memoryGiB: 24, os: "linux", loadAverage: 1, loadAverageAtStart: 1 },
      versions: { postgres: "15", pgDump: "15", node: "v20", python: "3.11", alembic: "1.8", sqlalchemy: "1.4", psycopg2: "2.9", drizzleKit: "0.31", kiln: "0.1" },
      settings: { runs: 5, slowRuns: 3 },
      results,
      startedAt: new Date("2026-01-01T00:00:00Z"),
      durationMs: 1000,
      command: "node bench/run.mjs",
    });
    writeResults(file, markdown);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("hand-written");
    expect(text).toContain("## after");
    expect(text).not.toContain("old numbers");
    expect(text).toContain("| autogenerate, 1000 tables | Alembic |");
    expect(text).toContain("**missed**");
  });
});

describe("options", () => {
  it("has quick defaults and refuses unknown workloads", () => {
    const quick = parseOptions(["--quick"]);
    expect(quick).toMatchObject({ tables: [20], revisions: 50, runs: 1, slowRuns: 1 });
    expect(quick.out).toMatch(/benchmarks-quick\.md$/);
    expect(parseOptions([])).toMatchObject({ tables: [100, 1000], revisions: 500, runs: 5, slowRuns: 3 });
    expect(() => parseOptions(["--only=nothing"])).toThrow(/unknown workload/);
  });
});
