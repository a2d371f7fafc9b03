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

/**
 * Imports a module. The file's content hash goes into the URL, so that a program
 * that calls kiln twice (e.g. `check()` after editing the models) reads the file
 * as it is now, not the module cached by the first call.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    const bytes = await readFile(file);
    const version = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const url = `${pathToFileURL(file).href}?kiln=${version}`;
    if (/\.(mjs|js)$/.test(file)) {
      return (await import(url)) as Record<string, unknown>;
    }
    // An ES module that imports only kiln (the usual models file) runs without starting tsx.
    // (A file in a CommonJS package keeps tsx, whose namespace also lists its named exports,
    // so it is not compiled here at all.)
    if (moduleFormat(file) === "esm") {
      const compiled = await compileRevision(file, bytes.toString("utf8"), { allowKilnImports: true });
      if (compiled) return await evaluateModule(file, { ...compiled, format: "esm" });
    }
    return (await (await tsxImport())(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\?(namespace|kiln)=[\w-]+/g, "");
    throw new KilnError(`cannot load ${file}: ${redactSecrets(message.split("\nRequire stack")[0]!)}`, { cause: error });
  }
}
