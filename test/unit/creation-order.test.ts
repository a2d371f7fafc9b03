/**
 * creationOrder (src/autogenerate/order.ts) is linear; it must order exactly as
 * the plain rule says: the first table by name whose referenced tables all
 * exist, else (a cycle) the first remaining table without its foreign keys to
 * tables not created yet. Checked against that rule, written naively, on
 * random graphs with cycles, self-references and references outside the set.
 */
import { describe, expect, it } from "vitest";
import type { ForeignKey, Table } from "../../src/catalog/types.js";
import { creationOrder, referencedTableKey, tableKey } from "../../src/autogenerate/order.js";

function naive(tables: Table[]) {
  const remaining = new Map([...tables].sort((a, b) => (tableKey(a) < tableKey(b) ? -1 : 1)).map((t) => [tableKey(t), t]));
  const created = new Set<string>();
  const out: { tables: Table[]; deferred: { table: Table; foreignKey: ForeignKey }[] } = { tables: [], deferred: [] };
  const waitsFor = (t: Table, fk: ForeignKey) => referencedTableKey(fk) !== tableKey(t) && remaining.has(referencedTableKey(fk)) && !created.has(referencedTableKey(fk));
  while (remaining.size > 0) {
    const next = [...remaining.values()].find((t) => !t.foreignKeys.some((fk) => waitsFor(t, fk))) ?? remaining.values().next().value!;
    remaining.delete(tableKey(next));
    const kept = next.foreignKeys.filter((fk) => !waitsFor(next, fk));
    for (const fk of next.foreignKeys) if (!kept.includes(fk)) out.deferred.push({ table: next, foreignKey: fk });
    created.add(tableKey(next));
    out.tables.push(kept.length === next.foreignKeys.length ? next : { ...next, foreignKeys: kept });
  }
  return out;
}

function randomTables(seed: number, count: number): Table[] {
  let a = seed;
  const rnd = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, (_v, i): Table => ({
    name: `t${String(Math.floor(rnd() * 1000)).padStart(3, "0")}_${i}`,
    columns: [],
    uniques: [],
    checks: [],
    indexes: [],
    foreignKeys: [],
  })).map((t, _i, all) => {
    const fks = Math.floor(rnd() * 3);
    for (let k = 0; k < fks; k++) {
      const target = rnd() < 0.1 ? "outside" : all[Math.floor(rnd() * all.length)]!.name;
      t.foreignKeys.push({ name: `fk_${t.name}_${k}`, columns: ["a"], refTable: target, refColumns: ["id"] });
    }
    return t;
  });
}

describe("creationOrder", () => {
  it("orders as the naive rule does, cycles and all", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const tables = randomTables(seed, 5 + (seed % 30));
      expect(creationOrder(tables)).toEqual(naive(tables));
    }
  });
});
