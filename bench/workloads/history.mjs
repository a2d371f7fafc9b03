/**
 * Workload 3: a long, linear history of small revisions, the same for kiln
 * (TypeScript revision files in the form `kiln revision` writes) and Alembic
 * (Python revision files in the form `alembic revision` writes).
 *
 * Revision k (1-based): odd k creates table h_<k> (id identity primary key,
 * name text not null); even k adds column c_<k> integer to the table the
 * revision before created. Ids are deterministic: r0001, r0002, ...
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

function pad(n) {
  return String(n).padStart(4, "0");
}

/** The revisions as plain data. */
export function historySteps(count) {
  const steps = [];
  for (let k = 1; k <= count; k++) {
    const id = `r${pad(k)}`;
    const parent = k === 1 ? null : `r${pad(k - 1)}`;
    steps.push(
      k % 2 === 1
        ? { id, parent, kind: "createTable", table: `h_${pad(k)}`, message: `create table h_${pad(k)}` }
        : { id, parent, kind: "addColumn", table: `h_${pad(k - 1)}`, column: `c_${pad(k)}`, message: `add column c_${pad(k)}` },
    );
  }
  return steps;
}

function kilnBody(step) {
  if (step.kind === "createTable") {
    return {
      upgrade: `await op.createTable(${JSON.stringify(step.table)}, {\n      id: { type: "integer", primaryKey: true, identity: "always" },\n      name: { type: "text", nullable: false },\n    });`,
      downgrade: `await op.dropTable(${JSON.stringify(step.table)});`,
    };
  }
  return {
    upgrade: `await op.addColumn(${JSON.stringify(step.table)}, ${JSON.stringify(step.column)}, { type: "integer" });`,
    downgrade: `await op.dropColumn(${JSON.stringify(step.table)}, ${JSON.stringify(step.column)});`,
  };
}

function kilnRevisionFile(step) {
  const body = kilnBody(step);
  return [
    'import type { Migration } from "kiln-migrate";',
    "",
    "/**",
    ` * ${step.message}`,
    " *",
    ` * Revision: ${step.id}`,
    ` * Parent: ${step.parent ?? "<base>"}`,
    " */",
    "export default {",
    `  revision: ${JSON.stringify(step.id)},`,
    `  downRevision: ${JSON.stringify(step.parent)},`,
    `  message: ${JSON.stringify(step.message)},`,
    "  async upgrade(op) {",
    `    ${body.upgrade}`,
    "  },",
    "  async downgrade(op) {",
    `    ${body.downgrade}`,
    "  },",
    "} satisfies Migration;",
    "",
  ].join("\n");
}

function alembicBody(step) {
  if (step.kind === "createTable") {
    return {
      upgrade: [
        `op.create_table(`,
        `        ${JSON.stringify(step.table)},`,
        `        sa.Column("id", sa.Integer, sa.Identity(always=True), primary_key=True),`,
        `        sa.Column("name", sa.Text, nullable=False),`,
        `    )`,
      ].join("\n"),
      downgrade: `op.drop_table(${JSON.stringify(step.table)})`,
    };
  }
  return {
    upgrade: `op.add_column(${JSON.stringify(step.table)}, sa.Column(${JSON.stringify(step.column)}, sa.Integer))`,
    downgrade: `op.drop_column(${JSON.stringify(step.table)}, ${JSON.stringify(step.column)})`,
  };
}

function alembicRevisionFile(step) {
  const body = alembicBody(step);
  return [
    `"""${step.message}`,
    "",
    `Revision ID: ${step.id}`,
    `Revises: ${step.parent ?? ""}`,
    '"""',
    "from alembic import op",
    "import sqlalchemy as sa",
    "",
    `revision = ${JSON.stringify(step.id)}`,
    `down_revision = ${step.parent === null ? "None" : JSON.stringify(step.parent)}`,
    "branch_labels = None",
    "depends_on = None",
    "",
    "",
    "def upgrade():",
    `    ${body.upgrade}`,
    "",
    "",
    "def downgrade():",
    `    ${body.downgrade}`,
    "",
  ].join("\n");
}

/** Writes one kiln revision file per step into `folder`. */
export function writeKilnHistory(folder, steps) {
  for (const step of steps) {
    writeFileSync(join(folder, `${step.id}_${step.message.replace(/\W+/g, "_")}.ts`), kilnRevisionFile(step));
  }
}

/** Writes one Alembic revision file per step into `folder` (migrations/versions). */
export function writeAlembicHistory(folder, steps) {
  for (const step of steps) {
    writeFileSync(join(folder, `${step.id}_${step.message.replace(/\W+/g, "_")}.py`), alembicRevisionFile(step));
  }
}
