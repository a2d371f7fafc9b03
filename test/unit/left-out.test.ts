import { describe, expect, it } from "vitest";
import { modelObjectsLeftOut } from "../../src/autogenerate/left-out.js";
import type { Catalog } from "../../src/catalog/types.js";

describe("modelObjectsLeftOut", () => {
  const model = {
    schemas: [],
    tables: [{ name: "t" }],
    enums: [{ name: "mood", values: ["ok"] }],
    views: [{ name: "v" }, { name: "w", schema: "app" }],
    triggers: [{ table: "t", name: "t_touch" }],
  } as unknown as Catalog;

  it("names every model object the database's canonical models no longer hold", () => {
    const canonical = { schemas: [], tables: [{ name: "t" }], enums: [] } as unknown as Catalog;
    expect(modelObjectsLeftOut(model, canonical, "sqlite")).toEqual([
      "the models declare 2 views (v, app.w), which sqlite does not have: kiln leaves them out of the comparison and the revision",
      "the models declare trigger t.t_touch, which sqlite does not have: kiln leaves it out of the comparison and the revision",
    ]);
  });

  it("says nothing when every object is kept (enums rewritten as CHECKs are not lost)", () => {
    const canonical = { ...model, enums: [] } as unknown as Catalog;
    expect(modelObjectsLeftOut(model, canonical, "postgres")).toEqual([]);
  });
});
