/**
 * The varied workload (issue 16): a schema whose tables all differ, as real
 * schemas do, deterministic from a seed. Each table has 3 to 25 columns of
 * about 22 types (names drawn from realistic pools, so that one name has
 * different types in different tables), varied defaults, CHECKs on numeric
 * and text columns, plain, composite, partial, expression, unique and GIN
 * indexes, and foreign keys with actions to earlier tables (a tree of depth
 * about log2(N), so SQLAlchemy's recursive reflection copes); two shared
 * enums. Written three ways: SQL for the database, kiln models (`kiln/schema`)
 * and SQLAlchemy Core tables for Alembic. The models equal the database plus
 * ONE added column in EVERY table (`bench_note text`).
 */

/** mulberry32: a small deterministic generator. */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

export const ADDED_COLUMN = "bench_note";
export const ENUMS = [
  { name: "status", values: ["active", "inactive", "archived"], kiln: "statusEnum" },
  { name: "priority", values: ["low", "medium", "high"], kiln: "priorityEnum" },
];

const q = (s) => `'${s.replace(/'/g, "''")}'`;

/**
 * The types: SQL, kiln builder, SQLAlchemy type, name pool, defaults
 * ({ sql, kiln, sa }: the same default three ways), and whether CHECKs fit.
 */
const sqlDefault = (text) => ({ sql: text, kiln: `.default(sql\`${text}\`)`, sa: `server_default=sa.text(${JSON.stringify(text)})` });
const literalDefault = (value) => ({ sql: typeof value === "string" ? q(value) : String(value), kiln: `.default(${JSON.stringify(value)})`, sa: `server_default=sa.text(${JSON.stringify(typeof value === "string" ? q(value) : String(value))})` });

const TYPES = [
  { sql: "integer", kiln: "integer()", sa: "sa.Integer", names: ["quantity", "position", "rank", "count", "level", "age"], defaults: [literalDefault(0), literalDefault(1)], numeric: true },
  { sql: "bigint", kiln: "bigint()", sa: "sa.BigInteger", names: ["views", "size_bytes", "counter", "total"], defaults: [literalDefault(0)], numeric: true },
  { sql: "smallint", kiln: "smallint()", sa: "sa.SmallInteger", names: ["level", "rating", "weekday", "rank"], defaults: [literalDefault(1)], numeric: true },
  { sql: "numeric(12,2)", kiln: "numeric({ precision: 12, scale: 2 })", sa: "sa.Numeric(12, 2)", names: ["amount", "price", "balance", "total", "cost"], defaults: [literalDefault(0)], numeric: true },
  { sql: "numeric(8,3)", kiln: "numeric({ precision: 8, scale: 3 })", sa: "sa.Numeric(8, 3)", names: ["rate", "weight", "score", "amount"], defaults: [literalDefault(0), sqlDefault("1.5")], numeric: true },
  { sql: "real", kiln: "real()", sa: "postgresql.REAL", names: ["ratio", "score", "latitude"], defaults: [], numeric: true },
  { sql: "double precision", kiln: "doublePrecision()", sa: "postgresql.DOUBLE_PRECISION", names: ["longitude", "ratio", "weight"], defaults: [sqlDefault("0.5")], numeric: true },
  { sql: "boolean", kiln: "boolean()", sa: "sa.Boolean", names: ["is_active", "is_public", "archived", "verified", "enabled"], defaults: [literalDefault(true), literalDefault(false)] },
  { sql: "text", kiln: "text()", sa: "sa.Text", names: ["name", "title", "description", "notes", "body", "summary"], defaults: [literalDefault("n/a"), literalDefault("")], text: true },
  { sql: "varchar(50)", kiln: "varchar(50)", sa: "sa.String(50)", names: ["code", "slug", "label", "name", "sku"], defaults: [literalDefault("none")], text: true },
  { sql: "varchar(255)", kiln: "varchar(255)", sa: "sa.String(255)", names: ["email", "url", "title", "name"], defaults: [], text: true },
  { sql: "char(2)", kiln: "char(2)", sa: "sa.CHAR(2)", names: ["country", "lang"], defaults: [literalDefault("xx")] },
  { sql: "date", kiln: "date()", sa: "sa.Date", names: ["birthday", "due_on", "starts_on", "ends_on"], defaults: [sqlDefault("CURRENT_DATE")] },
  { sql: "time", kiln: "time()", sa: "sa.Time", names: ["opens_at", "closes_at"], defaults: [] },
  { sql: "timestamp", kiln: "timestamp()", sa: "sa.DateTime", names: ["logged_at", "seen_at", "synced_at"], defaults: [sqlDefault("CURRENT_TIMESTAMP")] },
  { sql: "timestamptz", kiln: "timestamp({ withTimezone: true })", sa: "sa.DateTime(timezone=True)", names: ["created_at", "updated_at", "deleted_at", "published_at"], defaults: [sqlDefault("now()"), sqlDefault("CURRENT_TIMESTAMP")] },
  { sql: "interval", kiln: "interval()", sa: "postgresql.INTERVAL", names: ["duration", "timeout"], defaults: [sqlDefault("'1 day'::interval")] },
  { sql: "uuid", kiln: "uuid()", sa: "postgresql.UUID", names: ["external_id", "token", "session_id"], defaults: [sqlDefault("gen_random_uuid()")] },
  { sql: "json", kiln: "json()", sa: "postgresql.JSON", names: ["raw", "extra"], defaults: [] },
  { sql: "jsonb", kiln: "jsonb()", sa: "postgresql.JSONB", names: ["payload", "metadata", "settings", "attributes"], defaults: [sqlDefault("'{}'::jsonb")], gin: true },
  { sql: "bytea", kiln: "bytea()", sa: "postgresql.BYTEA", names: ["blob", "checksum"], defaults: [] },
  { sql: "text[]", kiln: "text().array()", sa: "postgresql.ARRAY(sa.Text)", names: ["tags", "aliases"], defaults: [], gin: true },
  { sql: "status", kiln: "statusEnum()", sa: 'postgresql.ENUM(name="status", create_type=False)', names: ["status", "state"], defaults: [literalDefault("active")], enumValues: ENUMS[0].values },
  { sql: "priority", kiln: "priorityEnum()", sa: 'postgresql.ENUM(name="priority", create_type=False)', names: ["priority"], defaults: [literalDefault("medium")], enumValues: ENUMS[1].values },
];

function tableName(i) {
  return `v_${String(i).padStart(5, "0")}`;
}

/** The tables, as plain data every renderer reads. */
export function variedSchema(tableCount, seed = 16) {
  const rng = generator(seed);
  const tables = [];
  for (let i = 0; i < tableCount; i++) {
    const name = tableName(i);
    const always = rng.chance(0.5);
    const idType = always ? TYPES[0] : TYPES[1];
    const columns = [{ name: "id", type: idType, identity: always ? "always" : "by default", notNull: true }];
    const used = new Set(["id", ADDED_COLUMN]);
    const foreignKeys = [];
    if (i > 0 && rng.chance(0.8)) {
      const parent = Math.max(0, Math.floor(i / 2) - rng.int(0, 3));
      foreignKeys.push({ parent });
    }
    if (i > 3 && rng.chance(0.25)) {
      const parent = Math.floor(i / 3);
      if (!foreignKeys.some((f) => f.parent === parent)) foreignKeys.push({ parent });
    }
    for (const [k, fk] of foreignKeys.entries()) {
      const nullable = rng.chance(0.5);
      fk.column = k === 0 ? "parent_id" : "other_id";
      fk.name = `fk_${name}_${fk.column}`;
      fk.onDelete = rng.pick(nullable ? ["cascade", "set null", "restrict", undefined] : ["cascade", "restrict", undefined]);
      fk.onUpdate = rng.chance(0.2) ? "cascade" : undefined;
      used.add(fk.column);
      columns.push({ name: fk.column, type: undefined, fkParent: fk.parent, notNull: !nullable });
    }
    const count = rng.int(3, 25) - columns.length;
    for (let c = 0; c < count; c++) {
      const type = rng.pick(TYPES);
      let colName = rng.pick(type.names);
      for (let n = 2; used.has(colName); n++) colName = `${rng.pick(type.names)}_${n}`;
      used.add(colName);
      const column = { name: colName, type, notNull: rng.chance(0.4) };
      if (type.defaults.length > 0 && rng.chance(0.45)) column.default = rng.pick(type.defaults);
      columns.push(column);
    }
    const checks = [];
    const indexes = [];
    for (const column of columns) {
      if (!column.type || column.name === "id") continue;
      if (column.type.numeric && rng.chance(0.5)) {
        const form = rng.int(0, 2);
        const text = form === 0 ? `${column.name} >= 0` : form === 1 ? `${column.name} > 0 AND ${column.name} < 1000000` : `${column.name} <> 13`;
        checks.push({ name: `ck_${name}_${column.name}`, text });
      } else if (column.type.text && rng.chance(0.15)) {
        checks.push({ name: `ck_${name}_${column.name}_len`, text: `char_length(${column.name}) <= 400` });
      }
    }
    const plain = columns.filter((c) => c.type && !c.type.gin && c.name !== "id" && c.type.sql !== "json");
    const indexCount = rng.int(0, 3);
    for (let k = 0; k < indexCount && plain.length > 0; k++) {
      const kind = rng.pick(["plain", "plain", "composite", "partial", "expression", "unique"]);
      const a = rng.pick(plain);
      const ixName = `ix_${name}_${k}`;
      if (kind === "plain") indexes.push({ name: ixName, columns: [a.name] });
      else if (kind === "unique") indexes.push({ name: `ux_${name}_${k}`, columns: [a.name], unique: true });
      else if (kind === "composite") {
        const b = rng.pick(plain);
        indexes.push({ name: ixName, columns: a === b ? [a.name] : [a.name, b.name] });
      } else if (kind === "partial") {
        indexes.push({ name: ixName, columns: [a.name], where: a.type.numeric ? `${a.name} > 0` : `${a.name} IS NOT NULL` });
      } else {
        const textColumn = plain.find((c) => c.type.text);
        if (textColumn) indexes.push({ name: ixName, expression: `lower(${textColumn.name})`, expressionColumn: textColumn.name });
        else indexes.push({ name: ixName, columns: [a.name] });
      }
    }
    for (const column of columns) {
      if (column.type?.gin && rng.chance(0.5)) indexes.push({ name: `gin_${name}_${column.name}`, columns: [column.name], method: "gin" });
    }
    tables.push({ name, columns, checks, indexes, foreignKeys, pk: `pk_${name}` });
  }
  // Resolve the foreign key columns' types: the parent's id type.
  for (const t of tables) {
    for (const c of t.columns) if (c.fkParent !== undefined) c.type = tables[c.fkParent].columns[0].type;
  }
  return { tables, addedColumn: ADDED_COLUMN };
}

/** What one schema holds, for the report. */
export function describeVaried(schema) {
  const count = (f) => schema.tables.reduce((n, t) => n + f(t), 0);
  return {
    tables: schema.tables.length,
    columns: count((t) => t.columns.length),
    defaults: count((t) => t.columns.filter((c) => c.default).length),
    checks: count((t) => t.checks.length),
    indexes: count((t) => t.indexes.length),
    partialIndexes: count((t) => t.indexes.filter((ix) => ix.where).length),
    expressionIndexes: count((t) => t.indexes.filter((ix) => ix.expression).length),
    ginIndexes: count((t) => t.indexes.filter((ix) => ix.method === "gin").length),
    foreignKeys: count((t) => t.foreignKeys.length),
  };
}

const ident = (s) => `"${s}"`;

/** DDL for the database: the schema WITHOUT the added columns. */
export function variedSql(schema) {
  const out = ENUMS.map((e) => `CREATE TYPE ${e.name} AS ENUM (${e.values.map(q).join(", ")});`);
  for (const t of schema.tables) {
    const defs = t.columns.map((c) => {
      let d = `  ${ident(c.name)} ${c.type.sql}`;
      if (c.identity) d += ` GENERATED ${c.identity === "always" ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`;
      if (c.notNull) d += " NOT NULL";
      if (c.default) d += ` DEFAULT ${c.default.sql}`;
      return d;
    });
    defs.push(`  CONSTRAINT ${ident(t.pk)} PRIMARY KEY ("id")`);
    for (const ck of t.checks) defs.push(`  CONSTRAINT ${ident(ck.name)} CHECK (${ck.text})`);
    out.push(`CREATE TABLE ${ident(t.name)} (\n${defs.join(",\n")}\n);`);
    for (const ix of t.indexes) {
      const elements = ix.expression ? `(${ix.expression})` : ix.columns.map(ident).join(", ");
      out.push(
        `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${ident(ix.name)} ON ${ident(t.name)}${ix.method ? ` USING ${ix.method}` : ""} (${elements})${ix.where ? ` WHERE ${ix.where}` : ""};`,
      );
    }
  }
  for (const t of schema.tables) {
    for (const fk of t.foreignKeys) {
      out.push(
        `ALTER TABLE ${ident(t.name)} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${ident(fk.column)}) REFERENCES ${ident(tableName(fk.parent))} ("id")` +
          `${fk.onDelete ? ` ON DELETE ${fk.onDelete.toUpperCase()}` : ""}${fk.onUpdate ? ` ON UPDATE ${fk.onUpdate.toUpperCase()}` : ""};`,
      );
    }
  }
  return out.join("\n") + "\n";
}

/** Turns `a > 0 AND a < 10` into a sql`` template over `t.`-columns (kiln). */
function kilnSql(text, columns) {
  const names = new Set(columns.map((c) => c.name));
  return "sql`" + text.replace(/\b([a-z_][a-z0-9_]*)\b/g, (word) => (names.has(word) ? `\${t.${word}}` : word)) + "`";
}

/** The kiln models module (TypeScript, `kiln/schema`), with the added columns. */
export function variedKilnModels(schema) {
  const lines = [
    "// Generated by bench/workloads/varied-schema.mjs: the benchmark database plus one column in every table.",
    'import { type AnyColumn, bigint, boolean, bytea, char, check, date, doublePrecision, enumType, index, integer, interval, json, jsonb, numeric, primaryKey, real, smallint, sql, table, text, time, timestamp, uniqueIndex, uuid, varchar } from "kiln-migrate/schema";',
    "",
    ...ENUMS.map((e) => `export const ${e.kiln} = enumType(${JSON.stringify(e.name)}, ${JSON.stringify(e.values)});`),
    "",
  ];
  for (const t of schema.tables) {
    const columns = t.columns.map((c) => {
      let b = c.type.kiln;
      if (c.identity) b += c.identity === "always" ? ".generatedAlwaysAsIdentity()" : ".generatedByDefaultAsIdentity()";
      if (c.notNull && !c.identity) b += ".notNull()";
      if (c.default) b += c.default.kiln;
      const fk = t.foreignKeys.find((f) => f.column === c.name);
      if (fk) {
        const options = [`name: "${fk.name}"`, ...(fk.onDelete ? [`onDelete: "${fk.onDelete}"`] : []), ...(fk.onUpdate ? [`onUpdate: "${fk.onUpdate}"`] : [])];
        b += `.references((): AnyColumn => ${tableName(fk.parent)}.id, { ${options.join(", ")} })`;
      }
      return `    ${c.name}: ${b},`;
    });
    columns.push(`    ${schema.addedColumn}: text(),`);
    const extras = [`    primaryKey({ name: "${t.pk}", columns: [t.id] }),`];
    for (const ck of t.checks) extras.push(`    check("${ck.name}", ${kilnSql(ck.text, t.columns)}),`);
    for (const ix of t.indexes) {
      let b = `${ix.unique ? "uniqueIndex" : "index"}("${ix.name}")`;
      if (ix.method) b += `.using("${ix.method}")`;
      b += ix.expression ? `.on(${kilnSql(ix.expression, t.columns)})` : `.on(${ix.columns.map((c) => `t.${c}`).join(", ")})`;
      if (ix.where) b += `.where(${kilnSql(ix.where, t.columns)})`;
      extras.push(`    ${b},`);
    }
    lines.push(`export const ${t.name} = table(`, `  "${t.name}",`, "  {", ...columns, "  },", "  (t) => [", ...extras, "  ],", ");", "");
  }
  return lines.join("\n");
}

/** models.py for Alembic: SQLAlchemy Core tables in one MetaData, with the added columns. */
export function variedSqlalchemyModels(schema) {
  const lines = [
    "# Generated by bench/workloads/varied-schema.mjs: the benchmark database plus one column in every table.",
    "import sqlalchemy as sa",
    "from sqlalchemy.dialects import postgresql",
    "",
    "metadata = sa.MetaData()",
    "",
  ];
  for (const t of schema.tables) {
    const columns = t.columns.map((c) => {
      const parts = [JSON.stringify(c.name), c.type.sa];
      const fk = t.foreignKeys.find((f) => f.column === c.name);
      if (fk) {
        const options = [`name="${fk.name}"`, ...(fk.onDelete ? [`ondelete="${fk.onDelete.toUpperCase()}"`] : []), ...(fk.onUpdate ? [`onupdate="${fk.onUpdate.toUpperCase()}"`] : [])];
        parts.push(`sa.ForeignKey("${tableName(fk.parent)}.id", ${options.join(", ")})`);
      }
      if (c.identity) parts.push(`sa.Identity(always=${c.identity === "always" ? "True" : "False"})`);
      parts.push(`nullable=${c.notNull ? "False" : "True"}`);
      if (c.default) parts.push(c.default.sa);
      return `    sa.Column(${parts.join(", ")}),`;
    });
    columns.push(`    sa.Column("${schema.addedColumn}", sa.Text),`);
    const extras = [`    sa.PrimaryKeyConstraint("id", name="${t.pk}"),`];
    for (const ck of t.checks) extras.push(`    sa.CheckConstraint(${JSON.stringify(ck.text)}, name="${ck.name}"),`);
    for (const ix of t.indexes) {
      const elements = ix.expression ? [`sa.text(${JSON.stringify(ix.expression)})`] : ix.columns.map((c) => JSON.stringify(c));
      const options = [...(ix.unique ? ["unique=True"] : []), ...(ix.method ? [`postgresql_using="${ix.method}"`] : []), ...(ix.where ? [`postgresql_where=sa.text(${JSON.stringify(ix.where)})`] : [])];
      extras.push(`    sa.Index(${[JSON.stringify(ix.name), ...elements, ...options].join(", ")}),`);
    }
    lines.push(`${t.name} = sa.Table(`, `    "${t.name}",`, "    metadata,", ...columns, ...extras, ")", "");
  }
  return lines.join("\n");
}
