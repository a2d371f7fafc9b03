/**
 * Imports a revision file in the main thread, without tsx's loader thread:
 * esbuild compiles the text kiln already read (many files in parallel), and a
 * module that needs nothing at run time (kiln's files import only types, which
 * are erased) is evaluated here as CommonJS under its own file name, with a
 * source map, so stack traces and lint positions name the file and its lines.
 *
 * The result must be exactly what tsx would give, so the compile mirrors tsx's
 * (same esbuild options, the module's format taken from its extension and the
 * nearest package.json) and declines (returns undefined; the caller then uses
 * tsx) anything whose meaning could differ between the two:
 * - a compile error or warning (tsx then reports the error as it always did);
 * - any import left at run time, or `import()`, `require`, `module`, `exports`,
 *   `__filename`, `__dirname`, `import.meta` (resolved differently without tsx);
 * - classes and decorators (compiled according to the user's tsconfig.json);
 * - JavaScript files (Node runs their text as written), TypeScript without ES
 *   module syntax, and a "use strict" directive in a file tsx runs as CommonJS
 *   (tsx's wrapper makes it inert).
 */
import { readFileSync } from "node:fs";
import Module from "node:module";
import { basename, dirname, extname, join } from "node:path";
import type { TransformOptions } from "esbuild";
import vm from "node:vm";
import { cacheKey, readCodeCache, readCompiled, writeCodeCache, writeCompiled } from "./compile-cache.js";
import { joinSourceMaps, type MapPiece, type RawSourceMap } from "./source-map-join.js";

/** What an ES module import would give: the module namespace (only `default` matters to kiln). */
export type Namespace = Record<string, unknown>;

export interface CompiledRevision {
  /** How tsx would run the file: as an ES module, or as CommonJS (no "type": "module" nearby). */
  format: "esm" | "cjs";
  /** CommonJS code with an inline source map. */
  code: string;
  /** kiln's own entry points the code requires at run time (models files import `kiln/schema`). */
  kilnImports?: string[];
  /** The compile cache's key of this code (compile-cache.ts), when it has one: V8's code cache is kept under it. */
  key?: string;
}

/**
 * kiln's entry points a directly run module may import: they are kiln's own ES
 * modules, handed over as this process has them loaded, so no loader is needed.
 */
const KILN_ENTRY_POINTS: Record<string, () => Promise<Namespace>> = {
  "kiln-migrate": () => import("../index.js") as Promise<Namespace>,
  "kiln-migrate/schema": () => import("../schema/index.js") as Promise<Namespace>,
  // The package's name before 0.2: files written then still run directly.
  kiln: () => import("../index.js") as Promise<Namespace>,
  "kiln/schema": () => import("../schema/index.js") as Promise<Namespace>,
};
const KILN_REQUIRE = /\brequire\("(kiln(?:-migrate)?(?:\/schema)?)"\)/g;

/** Stands in for every free identifier whose value differs without tsx; its presence declines the file. */
const RUNTIME_REFERENCE = "__kiln_runtime_reference__";
const FREE_IDENTIFIERS = ["require", "module", "exports", "__filename", "__dirname", "import.meta"];

/** Imports that survive compilation, dynamic imports, classes (tsconfig-dependent): tsx's job. */
const DECLINED_OUTPUT = new RegExp(`${RUNTIME_REFERENCE}|\\brequire\\(|\\bimport\\(|\\bclass\\b|__decorate`);

let esbuild: Promise<typeof import("esbuild")> | undefined;

/**
 * Compiles a revision file's text (or finds it compiled by an earlier run, see
 * compile-cache.ts); undefined when tsx must import it instead (see the file comment).
 */
export async function compileRevision(
  file: string,
  source: string,
  options: { allowKilnImports?: boolean } = {},
): Promise<CompiledRevision | undefined> {
  const format = moduleFormat(file);
  if (!format) return undefined;
  const allowKilnImports = options.allowKilnImports ?? false;
  const key = cacheKey(file, source, allowKilnImports ? `${format}+kiln` : format);
  const cached = readCompiled(key);
  if (cached !== undefined) return { format, code: cached, kilnImports: kilnImportsOf(cached), key };
  const compiled = await compile(file, source, format, allowKilnImports);
  if (compiled) writeCompiled(key, compiled.code);
  return compiled && { ...compiled, key };
}

function kilnImportsOf(code: string): string[] {
  return [...new Set([...code.matchAll(KILN_REQUIRE)].map((m) => m[1]!))];
}

async function compile(file: string, source: string, format: "esm" | "cjs", allowKilnImports: boolean): Promise<CompiledRevision | undefined> {
  esbuild ??= import("esbuild");
  let result: Awaited<ReturnType<typeof import("esbuild").transform>>;
  try {
    result = await (await esbuild).transform(source, transformOptions(file, format));
  } catch {
    return undefined;
  }
  const code = result.code;
  const fullBody = code.slice(0, code.lastIndexOf("//# sourceMappingURL="));
  const body = allowKilnImports ? fullBody.replace(KILN_REQUIRE, "") : fullBody;
  if (result.warnings.length > 0 || DECLINED_OUTPUT.test(body)) return undefined;
  // Without ES module syntax esbuild leaves the file as CommonJS code, whose exports tsx maps differently.
  if (!body.includes("__toCommonJS(")) return undefined;
  if (format === "cjs" && body.startsWith('"use strict"')) return undefined;
  return { format, code, kilnImports: kilnImportsOf(fullBody) };
}

/**
 * tsx's options (target, whitespace, kept names, platform for CommonJS), plus:
 * every import kept (verbatimModuleSyntax) so that a value import is seen and
 * declined, whatever the user's tsconfig.json says; strict mode for ES modules
 * (as Node runs them) and never for CommonJS (as tsx's wrapper runs them).
 */
function transformOptions(file: string, format: "esm" | "cjs"): TransformOptions {
  return {
    loader: "ts",
    format: "cjs",
    target: `node${process.versions.node}`,
    sourcefile: file,
    sourcemap: "inline",
    sourcesContent: false,
    minifyWhitespace: true,
    keepNames: true,
    ...(format === "cjs" ? { platform: "node" as const } : {}),
    define: Object.fromEntries(FREE_IDENTIFIERS.map((name) => [name, RUNTIME_REFERENCE])),
    // Tagged templates (sql`...`) as plain calls with a cached strings array: V8 keeps a script's template
    // objects in one list it walks for each new one, so a models file with 20,000 sql`` sites took seconds
    // (quadratic; 5,000 varied tables: 8 s -> 0.9 s). The strings, raw strings and per-site identity are kept.
    supported: { "template-literal": false },
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, alwaysStrict: format === "esm" } },
  };
}

/**
 * Globals whose results depend only on their arguments: a models file that uses no other global
 * (and imports only kiln's schema builders) makes the same exports from the same text, so its
 * Catalog can be kept between runs (autogenerate/model-cache.ts). Date, Intl, process, console,
 * timers, fetch and the like are left out: their results, or what the file does, differ from run to run.
 */
const DETERMINISTIC_GLOBALS = new Set([
  "Object", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Promise", "RegExp", "JSON", "Math",
  "Map", "Set", "WeakMap", "WeakSet", "Proxy", "Reflect", "ArrayBuffer", "DataView",
  "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array",
  "Float64Array", "Uint8ClampedArray", "BigUint64Array", "BigInt64Array",
  "Error", "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
  "parseFloat", "parseInt", "isFinite", "isNaN", "Infinity", "NaN", "undefined",
  "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
  "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "structuredClone", "atob", "btoa",
]);
/** Ways to reach the outside without naming a global: Function through a prototype, the module wrapper's arguments, Math.random, the locale. */
const OUTSIDE_WORDS = /\b(?:constructor|arguments|random|__proto__|toLocale\w*|localeCompare)\b/;
const OUTSIDE_REFERENCE = "__kiln_outside_reference__";
/** Globals of other runtimes and versions, or set only at times (a shim): outside too, whether this process has them now or not. */
const OTHER_GLOBALS = ["global", "globalThis", "self", "window", "document", "location", "navigator", "localStorage", "sessionStorage", "Deno", "Bun", "Temporal", "Iterator"];

/**
 * True when a models file's compiled code can read nothing but its own text: every global it
 * names is a deterministic built-in (esbuild replaces only free references, so a local variable
 * called `process` does not count), and none of OUTSIDE_WORDS appears, even in a string. Compiled
 * once more for this (on a cache miss only); false when in doubt.
 */
export async function readsOnlyItsText(file: string, source: string): Promise<boolean> {
  const present = Object.getOwnPropertyNames(globalThis).filter((name) => !DETERMINISTIC_GLOBALS.has(name) && /^[A-Za-z_$][\w$]*$/.test(name));
  const outside = [...new Set([...present, ...OTHER_GLOBALS])];
  esbuild ??= import("esbuild");
  try {
    const options = transformOptions(file, "esm");
    const define = Object.fromEntries([...FREE_IDENTIFIERS, ...outside].map((name) => [name, OUTSIDE_REFERENCE]));
    const { code, warnings } = await (await esbuild).transform(source, { ...options, sourcemap: false, define });
    return warnings.length === 0 && !code.includes(OUTSIDE_REFERENCE) && !OUTSIDE_WORDS.test(code);
  } catch {
    return false;
  }
}

let sourceMapsEnabled = false;

/**
 * Runs compiled code as a CommonJS module named after the file and returns what
 * tsx's import would: for an ES module its namespace, for a file tsx runs as
 * CommonJS `{ default: module.exports }`. Throws what the module throws.
 */
export function evaluateRevision(file: string, compiled: CompiledRevision): Namespace {
  return namespaceOf(compiled, run(file, compiled, new Map()));
}

function namespaceOf(compiled: CompiledRevision, exports: Namespace): Namespace {
  if (compiled.format === "cjs") return { default: exports };
  return "default" in exports ? { default: exports.default } : {};
}

const SOURCE_MAP_COMMENT = "//# sourceMappingURL=";
const INLINE_MAP_PREFIX = "data:application/json;base64,";
/** The function Node wraps a CommonJS module's code in, as a line of its own (the code below it keeps its columns). */
const WRAPPER_HEAD = "(function (exports, require, module, __filename, __dirname) {";
/** Names each script of modules compiled together: Node keeps a source map per script name. */
let togetherCount = 0;

/**
 * Compiles many revisions' code as one script (each module still in its own
 * function, as Node's module wrapper has it) with one source map joined from
 * theirs, and returns a function per revision that runs its module the first
 * time it is called and gives what evaluateRevision would. Node's per-module
 * cost (a compile, a source map read and cached) is paid once: 500 revisions
 * took about 75 ms this way one by one, about 35 ms together. Stack traces
 * still name each file and its TypeScript lines (the joined map). Undefined
 * when an inline source map cannot be read (the caller runs them one by one).
 */
export function compileRevisionsTogether(items: readonly { file: string; compiled: CompiledRevision }[]): (() => Namespace)[] | undefined {
  const parts: string[] = ["module.exports = ["];
  const pieces: MapPiece[] = [];
  let line = 1;
  for (const { compiled } of items) {
    const at = compiled.code.lastIndexOf(SOURCE_MAP_COMMENT);
    const url = at < 0 ? "" : compiled.code.slice(at + SOURCE_MAP_COMMENT.length).trim();
    if (!url.startsWith(INLINE_MAP_PREFIX) || (compiled.kilnImports?.length ?? 0) > 0) return undefined;
    let map: RawSourceMap;
    try {
      map = JSON.parse(Buffer.from(url.slice(INLINE_MAP_PREFIX.length), "base64").toString("utf8")) as RawSourceMap;
    } catch {
      return undefined;
    }
    const body = compiled.code.slice(0, at);
    pieces.push({ map, line: line + 1 });
    // The body on lines of its own: a trailing line comment cannot swallow the closing brace.
    const text = `${WRAPPER_HEAD}\n${body}\n}),\n`;
    parts.push(text);
    line += countLines(text);
  }
  let joined: RawSourceMap;
  try {
    joined = joinSourceMaps(pieces);
  } catch {
    return undefined;
  }
  parts.push(`];\n${SOURCE_MAP_COMMENT}${INLINE_MAP_PREFIX}${Buffer.from(JSON.stringify(joined)).toString("base64")}\n`);
  enableSourceMaps();
  const name = join(dirname(items[0]!.file), `[kiln revisions ${++togetherCount}].js`);
  const script = new Module(name) as Module & { _compile(code: string, filename: string): void };
  script.filename = name;
  script._compile(parts.join("\n"), name);
  const wrappers = script.exports as ((...args: unknown[]) => void)[];
  return items.map(({ file, compiled }, index) => () => {
    const module = new Module(file);
    module.filename = file;
    wrappers[index]!.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
    return namespaceOf(compiled, module.exports as Namespace);
  });
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

/**
 * Runs a compiled ES module (a models or config file) with kiln's entry points
 * handed in, and returns all its exports, as `import()` would.
 */
export async function evaluateModule(file: string, compiled: CompiledRevision & { format: "esm" }): Promise<Namespace> {
  const provided = new Map<string, Namespace>();
  for (const name of compiled.kilnImports ?? []) provided.set(name, await KILN_ENTRY_POINTS[name]!());
  if (compiled.key !== undefined) {
    try {
      return { ...runFromCodeCache(file, compiled.key, compiled.code, provided) };
    } catch {
      // Run again the usual way, so that the error's stack names the TypeScript file's lines (source map).
    }
  }
  return { ...run(file, compiled, provided) };
}

/**
 * Runs a models or config file from V8's code cache, kept beside the compiled
 * code (compile-cache.ts) and written after the first run, when it holds the
 * functions that run compiled too. A large models file then skips V8's parse
 * and compile, which costs more time and memory than running it: 10,000 tables
 * (12 MB of code) took 4 s and some 200 MB to compile, 0.3 s from the cache,
 * and each table's extras callback, compiled lazily, another 1 s. Without
 * source maps (Node applies them only to what its module loader compiles), so
 * a failure runs the file again the usual way (evaluateModule).
 */
function runFromCodeCache(file: string, key: string, code: string, provided: ReadonlyMap<string, Namespace>): Namespace {
  const body = code.slice(0, code.lastIndexOf("//# sourceMappingURL="));
  const cachedData = readCodeCache(key);
  const script = new vm.Script(Module.wrap(body), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as Namespace };
  const fallback = Module.createRequire(file);
  const require = ((id: string) => provided.get(id) ?? fallback(id)) as NodeJS.Require;
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, file, dirname(file));
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // Written once the functions the file's exports hold (each table's extras callback) have run too, so
    // that the cache holds them compiled: when the caller says so (saveCodeCaches), else on the next turn.
    pendingCodeCaches.set(key, script);
    setImmediate(saveCodeCaches);
  }
  return module.exports;
}

/** Scripts run without a usable code cache, by compile-cache key, whose cache is not written yet. */
const pendingCodeCaches = new Map<string, vm.Script>();

/** Writes V8's code cache of the models and config files run since the last call (after the Catalog is built: see runFromCodeCache). */
export function saveCodeCaches(): void {
  for (const [key, script] of pendingCodeCaches) writeCodeCache(key, script.createCachedData());
  pendingCodeCaches.clear();
}

function enableSourceMaps(): void {
  if (!sourceMapsEnabled) {
    // Stack traces then show the TypeScript file's lines (tsx turns this on too).
    process.setSourceMapsEnabled(true);
    sourceMapsEnabled = true;
  }
}

function run(file: string, compiled: CompiledRevision, provided: ReadonlyMap<string, Namespace>): Namespace {
  enableSourceMaps();
  const module = new Module(file) as Module & { _compile(code: string, filename: string): void };
  module.filename = file;
  if (provided.size > 0) {
    // Only kiln's entry points reach here (compile declined any other import).
    module.require = ((id: string) => provided.get(id) ?? Module.createRequire(file)(id)) as NodeJS.Require;
  }
  module._compile(compiled.code, file);
  return module.exports as Namespace;
}

/** Package scope of each folder, as Node finds it: the nearest package.json decides. */
const packageTypes = new Map<string, "module" | "commonjs" | undefined>();

/**
 * "esm" or "cjs" for a TypeScript file, the way tsx decides it; undefined for
 * JavaScript, which Node runs as written (compiling it would change its text).
 */
export function moduleFormat(file: string): "esm" | "cjs" | undefined {
  const extension = extname(file);
  if (extension === ".mts") return "esm";
  if (extension !== ".ts") return undefined;
  const type = packageType(dirname(file));
  return type === "module" ? "esm" : type === "commonjs" ? "cjs" : undefined;
}

/** undefined: an unreadable package.json (tsx reports it). */
function packageType(directory: string): "module" | "commonjs" | undefined {
  if (packageTypes.has(directory)) return packageTypes.get(directory);
  let type: "module" | "commonjs" | undefined;
  // Like Node, the search stops at the file system's root and at a node_modules folder.
  const manifest = basename(directory) === "node_modules" ? "missing" : readManifest(join(directory, "package.json"));
  if (manifest === "missing") {
    const parent = dirname(directory);
    type = parent === directory || basename(directory) === "node_modules" ? "commonjs" : packageType(parent);
  } else {
    type = manifest === "unreadable" ? undefined : manifest.type === "module" ? "module" : "commonjs";
  }
  packageTypes.set(directory, type);
  return type;
}

function readManifest(path: string): { type?: unknown } | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "unreadable";
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as { type?: unknown }) : "unreadable";
  } catch {
    return "unreadable";
  }
}
