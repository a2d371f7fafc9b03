#!/usr/bin/env node
/**
 * Bundles the CLI (dist/cli/main.js and what it imports, statically or on
 * demand) into dist/cli-bundle/, after tsc has built dist/. Node loads a
 * command's ~60-200 small ES modules one by one (resolve, read, compile each);
 * the same code in a few chunks starts about 80 ms sooner, a fifth of
 * `kiln current` (docs/benchmarks.md, "Start-up and module loading").
 * bin/kiln.js runs the bundle; the package's exports (the API, kiln-migrate/schema,
 * kiln-migrate/kysely) stay the plain modules of dist/.
 *
 * Modules that user code also loads stay out of the bundle: a config, models or
 * revision file imports kiln-migrate, kiln-migrate/schema or kiln-migrate/kysely,
 * and the CLI must see the very classes those create (KilnError, the schema
 * builders), not copies. Every module those entry points import statically is
 * left external and imported from dist/ as it is, and so is version.js (it
 * finds package.json from its own place).
 *
 * kiln's own small dependencies that every command loads (commander, json5,
 * picocolors, pg-connection-string: about 20 CommonJS files, each resolved,
 * read, scanned for its exports and compiled) go into the bundle too: about
 * 25 ms less CPU per command (docs/benchmarks.md, "Upgrading through long
 * histories"). Every other package (the drivers, which are the user's,
 * esbuild, tsx, the prompts) stays external and is imported as installed.
 *
 *   node scripts/bundle-cli.mjs        (part of `npm run build`)
 */
import { rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const outdir = join(dist, "cli-bundle");
const PUBLIC_ENTRIES = ["index.js", "schema/index.js", "kysely/index.js"];
const ALSO_SHARED = ["version.js"];
/** Packages bundled into the CLI; all others stay external. */
const BUNDLED_PACKAGES = new Set(["commander", "json5", "picocolors", "pg-connection-string"]);

/** Every dist module the public entry points import statically (their dynamic imports load commands: CLI code). */
async function sharedModules() {
  const { metafile } = await esbuild.build({
    entryPoints: PUBLIC_ENTRIES.map((entry) => join(dist, entry)),
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    packages: "external",
    outdir: join(root, ".tmp", "bundle-scan"),
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const shared = new Set();
  const visit = (input) => {
    if (shared.has(input)) return;
    shared.add(input);
    for (const i of metafile.inputs[input]?.imports ?? []) if (!i.external && i.kind !== "dynamic-import") visit(i.path);
  };
  for (const entry of [...PUBLIC_ENTRIES, ...ALSO_SHARED]) visit(relative(root, join(dist, entry)));
  return new Set([...shared].map((input) => resolve(root, input)));
}

const shared = await sharedModules();
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(dist, "cli", "main.js")],
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir,
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
  // The bundled CommonJS packages require Node's built-in modules: give each chunk a `require`.
  banner: { js: 'import { createRequire as __kilnCreateRequire } from "node:module";\nconst require = __kilnCreateRequire(import.meta.url);' },
  plugins: [
    {
      name: "kiln-external-packages",
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith("node:")) return { path: args.path, external: true };
          const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
          // Inside a bundled package, its own requires (and Node's modules) resolve as esbuild finds them.
          if (BUNDLED_PACKAGES.has(name) || args.importer.includes("/node_modules/")) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
    {
      name: "kiln-shared-modules",
      setup(build) {
        build.onResolve({ filter: /^\.\.?\// }, (args) => {
          const path = resolve(args.resolveDir, args.path);
          if (!shared.has(path)) return undefined;
          // Every output file sits in dist/cli-bundle/: the shared module is one folder up.
          return { path: `../${relative(dist, path).split("\\").join("/")}`, external: true };
        });
      },
    },
  ],
});
