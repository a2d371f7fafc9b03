/**
 * Model files for the change-table scenario, generated from plain data: a table
 * shape, and a list of changes, each a patch of that shape on a table of its own.
 * Every change is one row of the autogenerate change list; `applies` says which
 * databases have the feature, `done` recognizes the change in an introspected
 * table (so an autogenerate that finds nothing because both sides lost the
 * feature does not pass).
 */
import type { Catalog, Table } from "../../../src/catalog/types.js";
import type { MatrixDatabase } from "./databases.js";

export interface Shape {
  nameLength: number;
  notes: boolean;
  weight: boolean;
  priceNullable: boolean;
  priceDefault: boolean;
  uniqueName: boolean;
  ownerFk: boolean;
  /** Comparison of the id check, e.g. ">= 0"; undefined: no check. */
  idCheck?: string;
  priceCheck: boolean;
  nameIndex: boolean;
  prototypeIdIndex: boolean;
  /** Values of the table's status enum; undefined: no status column. */
  status?: string[];
}

export const BASE_SHAPE: Shape = {
  nameLength: 200,
  notes: true,
  weight: false,
  priceNullable: true,
  priceDefault: false,
  uniqueName: false,
  ownerFk: false,
  idCheck: ">= 0",
  priceCheck: false,
  nameIndex: true,
  prototypeIdIndex: false,
};

export interface Change {
  name: string;
  /** The shape before the change (BASE_SHAPE plus this). */
  before?: Partial<Shape>;
  /** The shape after the change (the `before` shape plus this). */
  after: Partial<Shape>;
  applies?(db: MatrixDatabase): boolean;
  /**
   * False when the downgrade brings a column back at the end of the table: kiln's
   * addColumn has no position (PostgreSQL and SQLite cannot place one), as in Alembic.
   */
  keepsColumnOrder?: boolean;
  /** True when the introspected table shows the change. */
  done(table: Table, catalog: Catalog): boolean;
}

const column = (table: Table, name: string) => table.columns.find((c) => c.name === name);

export const CHANGES: Change[] = [
  { name: "add_column", after: { weight: true }, done: (t) => column(t, "weight") !== undefined },
  { name: "drop_column", after: { notes: false }, keepsColumnOrder: false, done: (t) => column(t, "notes") === undefined },
  { name: "type_change", after: { nameLength: 400 }, done: (t) => column(t, "name")!.type.includes("400") },
  { name: "set_not_null", after: { priceNullable: false }, done: (t) => column(t, "price")!.nullable === false },
  { name: "drop_not_null", before: { priceNullable: false }, after: { priceNullable: true }, done: (t) => column(t, "price")!.nullable },
  { name: "add_default", after: { priceDefault: true }, done: (t) => column(t, "price")!.default !== undefined },
  {
    name: "add_unique",
    after: { uniqueName: true },
    done: (t) =>
      t.uniques.some((u) => u.name === "uq_add_unique_name") || t.indexes.some((i) => i.name === "uq_add_unique_name" && i.unique),
  },
  { name: "add_fk", after: { ownerFk: true }, done: (t) => t.foreignKeys.some((fk) => fk.name === "fk_add_fk_owner" && fk.refTable === "owners") },
  { name: "drop_fk", before: { ownerFk: true }, after: { ownerFk: false }, done: (t) => t.foreignKeys.length === 0 },
  { name: "add_check", after: { priceCheck: true }, done: (t) => t.checks.some((c) => c.name === "ck_add_check_price") },
  { name: "drop_check", after: { idCheck: undefined }, done: (t) => t.checks.length === 0 },
  { name: "change_check", after: { idCheck: "> 0" }, done: (t) => !t.checks.find((c) => c.name === "ck_change_check_id")!.expression.includes(">=") },
  { name: "add_index", after: { prototypeIdIndex: true }, done: (t) => t.indexes.some((i) => i.name === "ix_add_index_pid") },
  { name: "drop_index", after: { nameIndex: false }, done: (t) => !t.indexes.some((i) => i.name === "ix_drop_index_name") },
  {
    name: "enum_value",
    before: { status: ["draft", "active"] },
    after: { status: ["draft", "active", "retired"] },
    applies: (db) => db.supportsEnums,
    // A named enum type (PostgreSQL) or the column's inline ENUM(...) (MySQL).
    done: (t, catalog) =>
      column(t, "status")!.type.includes("retired") || catalog.enums.some((e) => e.name === "status_enum_value" && e.values.includes("retired")),
  },
];

function tableSource(name: string, s: Shape): string {
  const columns = [
    `id: integer().primaryKey()`,
    `prototypeId: integer("prototype_id").notNull()`,
    `name: varchar(${s.nameLength}).notNull()`,
  ];
  if (s.notes) columns.push(`notes: text()`);
  columns.push(`price: integer()${s.priceNullable ? "" : ".notNull()"}${s.priceDefault ? ".default(0)" : ""}`);
  columns.push(`ownerId: integer("owner_id")${s.ownerFk ? `.references(() => owners.id, { name: "fk_${name}_owner" })` : ""}`);
  if (s.weight) columns.push(`weight: integer()`);
  if (s.status) columns.push(`status: status_${name}().notNull().default("draft")`);

  const extras: string[] = [];
  if (s.idCheck) extras.push(`check("ck_${name}_id", sql\`\${t.prototypeId} ${s.idCheck}\`)`);
  if (s.priceCheck) extras.push(`check("ck_${name}_price", sql\`\${t.price} >= 0\`)`);
  if (s.nameIndex) extras.push(`index("ix_${name}_name").on(t.name)`);
  if (s.prototypeIdIndex) extras.push(`index("ix_${name}_pid").on(t.prototypeId)`);
  if (s.uniqueName) extras.push(`unique("uq_${name}_name").on(t.name)`);

  const enumDecl = s.status ? `export const status_${name} = enumType("status_${name}", ${JSON.stringify(s.status)});\n` : "";
  return `${enumDecl}export const ${name} = table("${name}", {\n  ${columns.join(",\n  ")},\n}, (t) => [${extras.join(", ")}]);\n`;
}

/**
 * fleet holds rows and is referenced by fleet_parts (ON DELETE CASCADE, so a
 * rebuild that dropped the parent with enforcement on would empty the child).
 * Changed: its check dropped and a column's type changed.
 */
function fleetSource(changed: boolean): string {
  const checks = changed ? "" : `(t) => [check("ck_fleet_capacity", sql\`\${t.capacity} > 0\`)]`;
  return `export const fleet = table("fleet", {
  id: integer().primaryKey(),
  code: varchar(20).notNull(),
  capacity: ${changed ? "bigint" : "integer"}().notNull(),
}${checks ? `, ${checks}` : ""});
export const fleet_parts = table("fleet_parts", {
  id: integer().primaryKey(),
  fleetId: integer("fleet_id").notNull().references(() => fleet.id, { name: "fk_fleet_parts_fleet", onDelete: "cascade" }),
  label: varchar(50).notNull(),
});
`;
}

export function changesFor(db: MatrixDatabase): Change[] {
  return CHANGES.filter((change) => change.applies?.(db) ?? true);
}

/** The models file: every change's table before (or after) its change, plus owners and the fleet tables. */
export function modelsSource(changes: Change[], state: "before" | "after"): string {
  const parts = [
    `import { table, enumType, integer, bigint, varchar, text, sql, check, index, unique } from "kiln-migrate/schema";\n`,
    `export const owners = table("owners", {\n  id: integer().primaryKey(),\n  email: varchar(200).notNull(),\n});\n`,
    fleetSource(state === "after"),
  ];
  for (const change of changes) {
    const before = { ...BASE_SHAPE, ...change.before };
    parts.push(tableSource(change.name, state === "before" ? before : { ...before, ...change.after }));
  }
  return parts.join("\n");
}
