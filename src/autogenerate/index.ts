/** Autogenerate's pure core: compare two Catalogs, order, render, summarize, simulate. */
export { applyOperations } from "./apply.js";
export { compareCatalogs } from "./compare.js";
export { normalizeCatalog } from "./normalize.js";
export { renderMigrationBodies, renderOperations, type MigrationBodies, type RenderOptions } from "./render.js";
export { parseRenameHint, parseRenameTableHint } from "./renames.js";
export { operationRisks, typeChangeRisk } from "./risks.js";
export { summarizeOperation, summarizeOperations } from "./summary.js";
export type { CompareOptions, Diff, DiffWarning, RenameCandidate, RenameDecision } from "./types.js";
