import { describe, expect, it } from "vitest";
import { withoutDefaultSchema } from "../../src/catalog/default-schema.js";
import type { Catalog } from "../../src/catalog/types.js";

describe("withoutDefaultSchema", () => {
  const catalog = {
    schemas: ["public", "sales"],
    tables: [
      { name: "a", schema: "public", columns: [], foreignKeys: [{ name: "fk", columns: ["x"], refTable: "b", refSchema: "public", refColumns: ["id"] }] },
      { name: "b", schema: "sales", columns: [], foreignKeys: [{ name: "fk2", columns: ["y"], refTable: "a", refSchema: "public", refColumns: ["id"] }] },
    ],
    enums: [{ name: "mood", schema: "public", values: ["ok"] }],
  } as unknown as Catalog;

  it("spells the default schema as the database reads it (left out), everywhere a schema is named", () => {
    const out = withoutDefaultSchema(catalog, "public") as unknown as typeof catalog & Record<string, any>;
    expect(out.schemas).toEqual(["sales"]);
    const [a, b] = (out as any).tables;
    expect(a.schema).toBeUndefined();
    expect(a.foreignKeys[0].refSchema).toBeUndefined();
    expect(b.schema).toBe("sales");
    expect(b.foreignKeys[0].refSchema).toBeUndefined();
    expect((out as any).enums[0].schema).toBeUndefined();
    expect("schema" in (out as any).enums[0]).toBe(false);
  });

  it("leaves the Catalog alone when the database has no default schema to leave out", () => {
    expect(withoutDefaultSchema(catalog, undefined)).toBe(catalog);
    expect((catalog as any).tables[0].schema).toBe("public");
  });
});
