/**
 * The install benchmark's pure helpers (bench/lib/install-report.mjs): what an
 * install log and npm's hidden lockfile say, and the table with its ratios.
 * No timings are asserted; bench/install.mjs measures.
 */
import { describe, expect, it } from "vitest";
import {
  INSTALL_END_MARKER,
  INSTALL_START_MARKER,
  compiledNatively,
  installedPackages,
  renderInstallResults,
  replaceInstallSection,
} from "../../bench/lib/install-report.mjs";

describe("compiledNatively", () => {
  it("sees node-gyp and compiler output in an install log", () => {
    expect(compiledNatively("> better-sqlite3@12.6.2 install\n> prebuild-install || node-gyp rebuild --release\ngyp info it worked if it ends with ok\n")).toBe(true);
    expect(compiledNatively("make: Entering directory '/x/build'\n  CXX(target) Release/obj.target/sqlite3.o\n")).toBe(true);
  });

  it("does not see a build in an install that only downloads", () => {
    expect(compiledNatively("\nadded 12 packages in 2s\n")).toBe(false);
    // A package merely named like a build tool is no build.
    expect(compiledNatively("added node-gyp-build@4.8.4\n")).toBe(false);
  });
});

describe("installedPackages", () => {
  it("counts installed packages (nested ones too, links not) and names those with install scripts", () => {
    const lock = {
      packages: {
        "": { name: "project" },
        "node_modules/pg": {},
        "node_modules/esbuild": { hasInstallScript: true },
        "node_modules/a/node_modules/b": { hasInstallScript: true },
        "node_modules/kiln-migrate": { link: true },
      },
    };
    expect(installedPackages(lock)).toMatchObject({ count: 3, withInstallScript: ["b", "esbuild"] });
    expect(installedPackages({})).toEqual({ count: 0, withInstallScript: [], versions: {} });
  });

  it("gives the versions of the top-level packages", () => {
    const lock = { packages: { "node_modules/pg": { version: "8.16.3" }, "node_modules/a/node_modules/pg": { version: "7.0.0" } } };
    expect(installedPackages(lock).versions).toEqual({ pg: "8.16.3" });
  });
});

describe("renderInstallResults and replaceInstallSection", () => {
  const row = (label: string, sizeKb: number, median: number) => ({
    label,
    installed: "x@1.0.0",
    sizeKb,
    packages: 10,
    time: { median, min: median - 100, max: median + 100, n: 3 },
    compiled: false,
    installScripts: [],
  });
  const markdown = renderInstallResults({
    rows: [row("kiln-migrate + pg", 10240, 2000), row("drizzle-kit + drizzle-orm + pg", 40960, 5000)],
    startedAt: new Date("2026-12-06T13:30:00Z"),
    command: "node bench/install.mjs",
    npmVersion: "11.0.0",
    nodeVersion: "v20.20.2",
    runs: 3,
    loadAverage: [0.5, 1.25],
  });

  it("gives sizes and times with ratios to the first row", () => {
    expect(markdown).toContain("| kiln-migrate + pg<br>x@1.0.0 | 10.0 MB | 10 | 2.0 s (1.9 s–2.1 s) | 1.0× | 1.0× | no | none |");
    expect(markdown).toContain("| drizzle-kit + drizzle-orm + pg<br>x@1.0.0 | 40.0 MB | 10 | 5.0 s (4.9 s–5.1 s) | 4.0× | 2.5× | no | none |");
    expect(markdown).toContain("load average 0.5 → 1.3 (start → end)");
    expect(markdown.startsWith(INSTALL_START_MARKER)).toBe(true);
    expect(markdown.endsWith(INSTALL_END_MARKER)).toBe(true);
  });

  it("replaces only its own section, or appends it under a heading", () => {
    const appended = replaceInstallSection("# kiln benchmarks\n\ntext\n", markdown);
    expect(appended).toBe(`# kiln benchmarks\n\ntext\n\n## Install size and time\n\n${markdown}\n`);
    const replaced = replaceInstallSection(appended.replace("| 4.0× |", "| 9.9× |"), markdown);
    expect(replaced).toBe(appended);
    expect(replaceInstallSection(`${appended}after\n`, "X")).toBe("# kiln benchmarks\n\ntext\n\n## Install size and time\n\nX\nafter\n");
  });
});
