/**
 * Loads the user's TypeScript (config, models) without a build step, through
 * the same private tsx namespace that loads revision files. Errors name the
 * file and keep the loader's message (line and column for syntax errors).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { redactSecrets } from "./config/secrets.js";
import { KilnError } from "./errors.js";
import { compileRevision, evaluateModule, moduleFormat } from "./revisions/direct-import.js";
import { tsxImport } from "./revisions/import-module.js";

/** A loaded module, and how it ran. */
export interface LoadedModule {
  namespace: Record<string, unknown>;
  /** The text that ran. */
  source: string;
  /** Set when kiln compiled and ran the file itself: kiln's entry points it imports, nothing else (see direct-import.ts). */
  kilnImports?: string[];
}

/**
 * Imports a module. The file's content hash goes into the URL, so that a program
 * that calls kiln twice (e.g. `check()` after editing the models) reads the file
 * as it is now, not the module cached by the first call.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  return (await loadModule(file)).namespace;
}

/** importModule, also saying what ran and how. */
export async function loadModule(file: string): Promise<LoadedModule> {
  try {
    const bytes = await readFile(file);
    const source = bytes.toString("utf8");
    const version = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const url = `${pathToFileURL(file).href}?kiln=${version}`;
    if (/\.(mjs|js)$/.test(file)) {
      return { namespace: (await import(url)) as Record<string, unknown>, source };
    }
    // An ES module that imports only kiln (the usual models file) runs without starting tsx.
    // (A file in a CommonJS package keeps tsx, whose namespace also lists its named exports,
    // so it is not compiled here at all.)
    if (moduleFormat(file) === "esm") {
      const compiled = await compileRevision(file, source, { allowKilnImports: true });
      if (compiled) return { namespace: await evaluateModule(file, { ...compiled, format: "esm" }), source, kilnImports: compiled.kilnImports ?? [] };
    }
    return { namespace: (await (await tsxImport())(url, import.meta.url)) as Record<string, unknown>, source };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\?(namespace|kiln)=[\w-]+/g, "");
    throw new KilnError(`cannot load ${file}: ${redactSecrets(message.split("\nRequire stack")[0]!)}`, { cause: error });
  }
}
