import { createRequire } from "node:module";

/** kiln's own version, from package.json (recorded in the history table). */
export const KILN_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
