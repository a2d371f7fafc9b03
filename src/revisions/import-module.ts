/**
 * Imports one revision file (TypeScript or JavaScript) without a build step.
 * Given the file's text, most files are compiled and run in the main thread
 * (direct-import.ts); the others go through tsx's loader, registered under a
 * private namespace so that kiln's loader does not change how the rest of the
 * process imports `.ts` files. Both ways give the same module.
 */
import { pathToFileURL } from "node:url";
import { KilnError } from "../errors.js";
import { type CompiledRevision, compileRevision, compileRevisionsTogether, evaluateRevision, type Namespace } from "./direct-import.js";

export type ScopedImport = (specifier: string, parentURL: string) => Promise<unknown>;

let scopedImport: Promise<ScopedImport> | undefined;

export const NAMESPACE = "kiln-revisions";

/** tsx's import, registered once under kiln's private namespace (shared with src/loader.ts). */
export function tsxImport(): Promise<ScopedImport> {
  scopedImport ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(([esm, cjs]) => {
    // Files Node treats as CommonJS (no "type": "module") load their own imports
    // through require, which needs tsx's CommonJS hooks in the same namespace.
    cjs.register({ namespace: NAMESPACE });
    const namespace = esm.register({ namespace: NAMESPACE });
    return (specifier: string, parentURL: string) => namespace.import(specifier, parentURL);
  });
  return scopedImport;
}

/** Compilations started ahead (prepareImport), by module key; taken by the import. */
const compilations = new Map<string, Promise<CompiledRevision | undefined>>();
/** Modules run in the main thread, by module key: this process's module cache for them, as tsx has its own. */
const directModules = new Map<string, Promise<Namespace>>();

/** Modules compiled in one script (compilePreparedTogether), by module key: each runs when first imported. */
const compiledTogether = new Map<string, () => Namespace>();

/** A file's module is keyed by its path and content: a file changed on disk is a new module. */
function moduleKey(file: string, version: string): string {
  return `${file}?kiln=${version.slice(0, 16)}`;
}

/**
 * Starts compiling a file in the background, so that many files compile in
 * parallel and the imports that follow, one by one, find them ready.
 */
export function prepareImport(file: string, version: string, source: string): void {
  const key = moduleKey(file, version);
  if (!compilations.has(key) && !directModules.has(key)) compilations.set(key, compileRevision(file, source));
}

/**
 * Waits for the compilations prepareImport started for these files and
 * compiles the code of those that run in the main thread as one script
 * (direct-import.ts compileRevisionsTogether), so that importing them one by
 * one afterwards (in whatever order, each module running when imported, as
 * before) costs less. Files not prepared, or left to tsx, are untouched.
 * Returns how many modules were compiled together (0: none, they compile one by one).
 */
export async function compilePreparedTogether(files: readonly { file: string; version: string }[]): Promise<number> {
  const byKey = new Map(files.map(({ file, version }) => [moduleKey(file, version), file]));
  const waiting = [...byKey].flatMap(([key, file]) => {
    const compilation = compilations.get(key);
    return compilation && !directModules.has(key) && !compiledTogether.has(key) ? [{ key, file, compilation }] : [];
  });
  if (waiting.length < 2) return 0;
  const settled = await Promise.allSettled(waiting.map((w) => w.compilation));
  // A failed or declined compilation stays where importDirectly reports it or hands the file to tsx.
  const ready = waiting.flatMap((w, i) => {
    const outcome = settled[i]!;
    return outcome.status === "fulfilled" && outcome.value && compilations.get(w.key) === w.compilation ? [{ ...w, compiled: outcome.value }] : [];
  });
  if (ready.length < 2) return 0;
  const runs = compileRevisionsTogether(ready);
  if (!runs) return 0;
  ready.forEach(({ key }, i) => {
    compilations.delete(key);
    compiledTogether.set(key, runs[i]!);
  });
  return ready.length;
}

/**
 * The module's default export. `version` (the file's checksum) keys the module,
 * so that a file changed on disk is imported afresh rather than from the module
 * cache of this process. `source`, the file's text with that checksum, lets the
 * file be compiled and run in the main thread; without it (or when it needs
 * more than that, see direct-import.ts) tsx imports it.
 */
export async function importDefaultExport(file: string, version: string, source?: string): Promise<{ hasDefault: boolean; value: unknown }> {
  const namespace = (await importDirectly(file, version, source)) ?? (await importWithTsx(file, version));
  return defaultExport(namespace);
}

/** The module through the main thread, or undefined when tsx must import it. */
export async function importDirectly(file: string, version: string, source: string | undefined): Promise<Namespace | undefined> {
  const key = moduleKey(file, version);
  const known = directModules.get(key);
  if (known) return known;
  const together = compiledTogether.get(key);
  if (together) {
    compiledTogether.delete(key);
    const module = runTogether(file, together);
    directModules.set(key, module);
    return module;
  }
  if (source === undefined) return undefined;
  const compilation = compilations.get(key) ?? compileRevision(file, source);
  compilations.delete(key);
  const compiled = await compilation;
  if (!compiled) return undefined;
  // Another caller may have run it while this one waited for the compiler.
  let module = directModules.get(key);
  if (!module) {
    module = run(file, compiled);
    directModules.set(key, module);
  }
  return module;
}

async function runTogether(file: string, evaluate: () => Namespace): Promise<Namespace> {
  try {
    return evaluate();
  } catch (error) {
    throw loadError(file, error);
  }
}

async function run(file: string, compiled: CompiledRevision): Promise<Namespace> {
  try {
    return evaluateRevision(file, compiled);
  } catch (error) {
    throw loadError(file, error);
  }
}

/** The module through tsx's loader. */
export async function importWithTsx(file: string, version: string): Promise<Namespace> {
  const url = `${pathToFileURL(file).href}?kiln=${version.slice(0, 16)}`;
  try {
    return (await (await tsxImport())(url, import.meta.url)) as Namespace;
  } catch (error) {
    throw loadError(file, error);
  }
}

/** The default export as revision files mean it, from a module namespace. */
export function defaultExport(namespace: Namespace): { hasDefault: boolean; value: unknown } {
  if (!("default" in namespace)) return { hasDefault: false, value: undefined };
  const value = namespace.default;
  // A TypeScript file Node treats as CommonJS (no "type": "module" nearby) is
  // compiled to CommonJS: its exports object arrives as the default, marked __esModule.
  if (isRecord(value) && value.__esModule === true) {
    return "default" in value ? { hasDefault: true, value: value.default } : { hasDefault: false, value: undefined };
  }
  return { hasDefault: true, value };
}

function loadError(file: string, error: unknown): KilnError {
  return describeImportFailure("revision file", file, error);
}

/**
 * A one-line KilnError for a module that failed to import: esbuild's syntax
 * errors as "line L, column C: ...", anything else as its first line, without
 * the loader's query strings. `what` names the kind of file ("revision file",
 * "config file", "models file").
 */
export function describeImportFailure(what: string, file: string, error: unknown): KilnError {
  const message = error instanceof Error ? error.message : String(error);
  // esbuild reports "Transform failed with 1 error:\n/path/file.ts:5:38: ERROR: ..."
  const transform = /^Transform failed with \d+ errors?:\n([\s\S]*)$/.exec(message);
  if (transform) {
    const details = transform[1]!
      .split("\n")
      .filter(Boolean)
      .map((line) => line.replace(/^.*?:(\d+):(\d+): ERROR: /, "line $1, column $2: "));
    return new KilnError(`syntax error in ${what} ${file}: ${details[0] ?? message}`, {
      details: details.slice(1),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new KilnError(`syntax error in ${what} ${file}: ${message.split("\n")[0]}`, { cause: error });
  }
  const firstLine = message.split("\n")[0]!.replace(/\?(namespace|kiln)=[\w-]+/g, "");
  return new KilnError(`cannot load ${what} ${file}: ${firstLine}`, { cause: error });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
