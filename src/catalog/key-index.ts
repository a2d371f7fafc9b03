/**
 * The options of the index behind a primary key or unique constraint
 * (catalog/types.ts `KeyIndexOptions`): INCLUDE columns, storage parameters,
 * tablespace. Shared by render, the DSL and the dialects' feature checks.
 */
import type { KeyIndexOptions } from "./types.js";

/** Only the options that are set (an empty INCLUDE or WITH list counts as unset). */
export function keyIndexOptions(key: KeyIndexOptions): KeyIndexOptions {
  const out: KeyIndexOptions = {};
  if (key.include && key.include.length > 0) out.include = [...key.include];
  if (key.with && Object.keys(key.with).length > 0) out.with = { ...key.with };
  if (key.tablespace !== undefined) out.tablespace = key.tablespace;
  return out;
}
