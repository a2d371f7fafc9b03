/**
 * A Flyway folder: versioned migrations `V<version>__<description>.sql`
 * (version parts separated by `.` or `_`), undo migrations
 * `U<version>__<description>.sql` (Flyway Teams) and repeatable ones
 * `R__<description>.sql`. Flyway records applied versions in
 * `flyway_schema_history`. Placeholders (`${name}`) are replaced as Flyway
 * does (flyway-placeholders.ts).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { KilnError } from "../../errors.js";
import type { SourceHistory, SourceMigration } from "../types.js";
import { compareVersions, readText, type Splitter, upgradeStatements } from "./common.js";
import { flywayPlaceholders, replacePlaceholders, type PlaceholderOptions } from "./flyway-placeholders.js";

const VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.*)\.sql$/i;

/** `1_1`, `1.1` and `1.01` are one version to Flyway, as are `1` and `1.0`: kiln writes `1.1` and `1`. */
export function flywayVersion(version: string): string {
  const parts = version.replace(/_/g, ".").split(".").map((part) => (/^\d+$/.test(part) ? String(BigInt(part)) : part));
  while (parts.length > 1 && parts[parts.length - 1] === "0") parts.pop();
  return parts.join(".");
}

export interface FlywayReadOptions extends PlaceholderOptions {
  /** Flyway's table (`${flyway:table}`); default flyway_schema_history. */
  table?: string;
}

export function readFlyway(folder: string, split: Splitter, options: FlywayReadOptions = {}): SourceHistory {
  const warnings: string[] = [];
  // Placeholders (flyway-placeholders.ts) are replaced in every file before it is split, as Flyway does.
  const placeholders = flywayPlaceholders(folder, options);
  const table = options.table ?? "flyway_schema_history";
  const readSql = (file: string, what: string) => replacePlaceholders(readText(join(folder, file), what), join(folder, file), placeholders, { "flyway:filename": file, "flyway:table": table });
  const versioned = new Map<string, { file: string; description: string }>();
  const undo = new Map<string, string>();
  for (const file of readdirSync(folder).sort()) {
    const m = VERSIONED.exec(file);
    if (m) {
      const version = flywayVersion(m[2]!);
      const target = m[1]!.toUpperCase() === "V" ? versioned : undo;
      const existing = target === versioned ? versioned.get(version)?.file : undo.get(version);
      if (existing) throw new KilnError(`${folder} has two ${m[1]!.toUpperCase()} migrations for version ${version}: ${existing} and ${file}`);
      if (target === versioned) versioned.set(version, { file, description: m[3]!.replace(/_/g, " ") });
      else undo.set(version, file);
    } else if (/^R__.*\.sql$/i.test(file)) {
      warnings.push(`${file} is a repeatable Flyway migration: kiln imports versioned migrations only; recreate what it defines in a revision of its own`);
    } else if (/\.sql$/i.test(file)) {
      warnings.push(`${file} does not follow Flyway's naming (V<version>__<description>.sql) and was not imported`);
    }
  }
  for (const [version, file] of undo) {
    if (!versioned.has(version)) warnings.push(`${file} undoes version ${version}, which has no V file here; it was not imported`);
  }
  const migrations: SourceMigration[] = [...versioned.entries()]
    .sort(([a], [b]) => compareVersions(a, b))
    .map(([version, { file, description }]) => {
      const undoFile = undo.get(version);
      const text = readSql(file, "the Flyway migration");
      // Script configuration: a `-- flyway:executeInTransaction=false` line, or `<file>.conf` beside it.
      const conf = existsSync(join(folder, `${file}.conf`)) ? readText(join(folder, `${file}.conf`), "the Flyway script configuration") : "";
      const outside = /^\s*--\s*flyway:executeInTransaction\s*=\s*false\b/im.test(text) || /^\s*executeInTransaction\s*=\s*false\b/im.test(conf);
      return {
        key: version,
        name: `V${version} ${description}`.trim(),
        file,
        ...upgradeStatements(split(text)),
        ...(outside ? { transactional: false as const } : {}),
        ...(undoFile ? { undo: { file: undoFile, statements: upgradeStatements(split(readSql(undoFile, "the Flyway undo migration"))).statements } } : {}),
      };
    });
  if (migrations.length === 0) {
    throw new KilnError(`${folder} holds no Flyway migrations (V<version>__<description>.sql)`, {
      details: ["pass the folder Flyway reads, usually src/main/resources/db/migration or sql/"],
    });
  }
  return { kind: "flyway", folder, migrations, warnings };
}
