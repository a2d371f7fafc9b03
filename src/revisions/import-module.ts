/**
 * Imports one revision file (TypeScript or JavaScript) without a build step,
 * through tsx's loader registered under a private namespace, so kiln's loader
 * does not change how the rest of the process imports `.ts` files.
 */
import { pathToFileURL } from "node:url";
import { KilnError } from "../errors.js";

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

/**
 * The module's default export. `version` (the file's checksum) goes into the
 * URL so that a file changed on disk is imported afresh rather than from the
 * module cache of this process.
 */
export async function importDefaultExport(file: string, version: string): Promise<{ hasDefault: boolean; value: unknown }> {
  const url = `${pathToFileURL(file).href}?kiln=${version.slice(0, 16)}`;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await (await tsxImport())(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw loadError(file, error);
  }
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
    return new KilnError(`Syntax error in ${what} ${file}: ${details[0] ?? message}`, {
      details: details.slice(1),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new KilnError(`Syntax error in ${what} ${file}: ${message.split("\n")[0]}`, { cause: error });
  }
  const firstLine = message.split("\n")[0]!.replace(/\?(namespace|kiln)=[\w-]+/g, "");
  return new KilnError(`Cannot load ${what} ${file}: ${firstLine}`, { cause: error });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
