/** `kiln types --kysely`: write the models' Kysely types as a .d.ts file (or print them). */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { kyselyTypes } from "../kysely/generate.js";
import { viewColumns } from "../kysely/view-columns.js";
import { loadModels } from "./autogenerate.js";
import type { CommonOptions } from "./context.js";

export interface TypesOptions extends CommonOptions {
  /** The .d.ts file to write, relative to the working directory; undefined: return the text only. */
  out?: string;
}

export interface TypesResult {
  /** The .d.ts text. */
  text: string;
  /** The file written, when `out` was given. */
  file?: string;
  tables: number;
}

export async function kyselyTypesFile(options: TypesOptions = {}): Promise<TypesResult> {
  const config = await loadConfig(options);
  const { catalog, modules } = await loadModels(config, null);
  const source = config.models.map((file) => relative(dirname(config.configFile), file)).join(", ");
  const text = kyselyTypes(catalog, source, await viewColumns(modules, config.models, config.drizzleCasing));
  if (options.out === undefined) return { text, tables: catalog.tables.length };
  const file = resolve(options.cwd ?? process.cwd(), options.out);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return { text, file, tables: catalog.tables.length };
}
