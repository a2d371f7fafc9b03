import { describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/types.js";
import { unmodelledWarnings } from "../../src/autogenerate/unmodelled-survey.js";
import type { ObjectSurvey } from "../../src/dialects/types.js";
import type { Operation } from "../../src/operations/types.js";

const t = { name: "t", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] };
const database: Catalog = { schemas: ["app"], tables: [t, { ...t, schema: "app", name: "u" }], enums: [{ name: "mood", values: ["a"] }] };

const survey: ObjectSurvey = {
  objects: [
    { kind: "table", name: "t" },
    { kind: "table", schema: "app", name: "u" },
    { kind: "type", name: "mood" },
    { kind: "view", name: "v" },
    { kind: "materialized view", schema: "app", name: "mv" },
    { kind: "rule", name: "r", table: "t" },
  ],
  dependencies: [
    { dependent: { kind: "view", name: "v" }, referenced: { kind: "table", name: "t" } },
    { dependent: { kind: "materialized view", schema: "app", name: "mv" }, referenced: { kind: "table", schema: "app", name: "u" } },
    { dependent: { kind: "rule", name: "r", table: "t" }, referenced: { kind: "table", name: "t" } },
    { dependent: { kind: "table", schema: "billing", name: "invoices" }, referenced: { kind: "table", schema: "app", name: "u" } },
    { dependent: { kind: "table", name: "t" }, referenced: { kind: "type", schema: "shared", name: "money2" } },
  ],
  unlistedSchemas: [
    { schema: "billing", tables: 12 },
    { schema: "shared", tables: 1 },
  ],
};

const dropT: Operation = { kind: "dropTable", table: "t", old: t };
const alterU: Operation = { kind: "addColumn", schema: "app", table: "u", column: { name: "x", type: "text", nullable: true } };

describe("unmodelledWarnings", () => {
  it("names every object the Catalog does not hold, crossing dependencies and unlisted schemas, with what the revision does", () => {
    const warnings = unmodelledWarnings(survey, database, [dropT, alterU], { schemas: ["app"], configFile: "kiln.config.ts" });
    expect(warnings).toEqual([
      {
        affected: true,
        message:
          "view v is not modelled by kiln: it depends on table t, which this revision drops: the drop will fail while the view exists. Drop it first in the revision (op.execute()) and recreate it in the downgrade by hand: kiln's downgrade does not recreate view v.",
      },
      {
        affected: true,
        message:
          "materialized view app.mv is not modelled by kiln: it depends on table app.u, which this revision changes: the change may fail, or change what the materialized view sees; check it, and recreate the materialized view in the revision by hand if needed.",
      },
      { affected: true, message: "rule r on table t is not modelled by kiln: it goes with table t, which this revision drops; kiln's downgrade recreates the table without it." },
      {
        affected: true,
        message: "table t depends on type shared.money2, outside the compared schemas: this revision drops table t, and its downgrade recreates it only while type shared.money2 still exists.",
      },
      {
        affected: true,
        message:
          "table billing.invoices, outside the compared schemas, depends on table app.u, which this revision changes: the change may fail or affect it. kiln does not compare schema billing; list it in the config's `schemas` to manage it.",
      },
      {
        affected: false,
        message:
          'the database has tables in schemas kiln does not compare: billing (12 tables), shared (1 table). kiln compares only public, app; to compare them too, list them in the `schemas` setting of kiln.config.ts: schemas: ["app","billing","shared"].',
      },
    ]);
  });

  it("says the revision leaves an object alone when it touches nothing it needs", () => {
    const warnings = unmodelledWarnings({ ...survey, unlistedSchemas: [] }, database, [], { schemas: ["app"] });
    expect(warnings.map((w) => w.message).slice(0, 3)).toEqual([
      "view v is not modelled by kiln; this revision leaves it alone.",
      "materialized view app.mv is not modelled by kiln; this revision leaves it alone.",
      "rule r on table t is not modelled by kiln; this revision leaves it alone.",
    ]);
    expect(warnings.every((w) => !w.affected)).toBe(true);
  });

  it("has nothing to say when the survey finds only modelled objects", () => {
    expect(unmodelledWarnings({ objects: survey.objects.slice(0, 3), dependencies: [], unlistedSchemas: [] }, database, [dropT], { schemas: ["app"] })).toEqual([]);
  });
  it("names a table's properties kiln does not model (REPLICA IDENTITY, access method, column storage and compression) with the table", () => {
    const properties = ["REPLICA IDENTITY FULL", "access method myam", "storage EXTERNAL of column body", "compression lz4 of column body"];
    const withProperties: ObjectSurvey = { objects: properties.map((name) => ({ kind: "table property", name, table: "t" })), dependencies: [], unlistedSchemas: [] };
    expect(unmodelledWarnings(withProperties, database, [dropT], { schemas: ["app"] })).toEqual(
      [...properties].sort().map((name) => ({
        affected: true,
        message: `${name} of table t is not modelled by kiln: it goes with table t, which this revision drops; kiln's downgrade recreates the table without it.`,
      })),
    );
    expect(unmodelledWarnings(withProperties, database, [], { schemas: ["app"] })[0]).toEqual({
      affected: false,
      message: "REPLICA IDENTITY FULL of table t is not modelled by kiln; this revision leaves it alone.",
    });
  });
});
