/**
 * A folder of plain `.sql` files applied in the order of their names, compared
 * as people number files (`2_x.sql` before `10_x.sql`). `*.down.sql` /
 * `*_down.sql` files (and `*.up.sql` partners) are the undo of the file with the
 * same stem, as golang-migrate and dbmate-like tools lay them out.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { KilnError } from "../../errors.js";
import type { SourceHistory, SourceMigration } from "../types.js";
import { readText, type Splitter, upgradeStatements } from "./common.js";

const DOWN = /[._-]down\.sql$/i;
const UP = /[._-]up\.sql$/i;

function stem(file: string): string {
  return file.replace(DOWN, "").replace(UP, "").replace(/\.sql$/i, "");
}

const collator = new Intl.Collator("en", { numeric: true });

export function readSqlFolder(folder: string, split: Splitter): SourceHistory {
  const files = readdirSync(folder).filter((f) => /\.sql$/i.test(f));
  const downs = new Map(files.filter((f) => DOWN.test(f)).map((f) => [stem(f), f]));
  const ups = files.filter((f) => !DOWN.test(f)).sort(collator.compare);
  const seen = new Map<string, string>();
  const migrations: SourceMigration[] = ups.map((file) => {
    const key = stem(file);
    const other = seen.get(key);
    if (other) throw new KilnError(`${folder} has two migrations named ${key}: ${other} and ${file}`);
    seen.set(key, file);
    const down = downs.get(key);
    return {
      key: file,
      name: key.replace(/[_-]+/g, " ").trim() || file,
      file,
      ...upgradeStatements(split(readText(join(folder, file), "the SQL migration"))),
      ...(down ? { undo: { file: down, statements: upgradeStatements(split(readText(join(folder, down), "the SQL undo file"))).statements } } : {}),
    };
  });
  const warnings = [...downs.entries()].filter(([key]) => !seen.has(key)).map(([, file]) => `${file} has no upgrade file beside it; it was not imported`);
  if (migrations.length === 0) throw new KilnError(`${folder} holds no .sql files`);
  return { kind: "sql", folder, migrations, warnings };
}
