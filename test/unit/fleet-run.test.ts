import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { type FleetOutcome, runFleet } from "../../src/fleet/run.js";
import type { FleetTarget } from "../../src/fleet/targets.js";

const targets: FleetTarget[] = Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, url: parseDatabaseUrl(`postgres://u:pw@h/t${i}`) }));
const ok: FleetOutcome = { status: "changed", before: [], after: ["r1"], steps: [] };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Work that fails on the named targets and records how many ran at once. */
function work(failing: string[]) {
  const state = { running: 0, most: 0, started: [] as string[] };
  const fn = async (t: FleetTarget) => {
    state.started.push(t.name);
    state.running++;
    state.most = Math.max(state.most, state.running);
    await tick();
    state.running--;
    if (failing.includes(t.name)) throw new Error(`${t.name} broke`);
    return ok;
  };
  return { state, fn };
}

describe("runFleet", () => {
  it("keeps at most --parallel targets running and records every target in order", async () => {
    const { state, fn } = work([]);
    const run = await runFleet(targets, { parallel: 3, canary: 0, continueOnError: false }, fn);
    expect(state.most).toBe(3);
    expect(run.records.map((r) => [r.name, r.status])).toEqual(targets.map((t) => [t.name, "changed"]));
    expect(run.records[0]!.database).toBe("postgres://u:***@h/t0");
    expect(run.stopped).toBeUndefined();
  });

  it("starts no new target after the first failure by default; the rest are not run", async () => {
    const { state, fn } = work(["t2"]);
    const run = await runFleet(targets, { parallel: 2, canary: 0, continueOnError: false }, fn);
    const failed = run.records.find((r) => r.name === "t2")!;
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toBe("t2 broke");
    expect(state.started.length).toBeLessThanOrEqual(4);
    expect(run.records.filter((r) => r.status === "not-run").length).toBe(10 - state.started.length);
    expect(run.stopped).toMatch(/stopped after t2 failed/);
  });

  it("goes on with --continue-on-error", async () => {
    const { fn } = work(["t2", "t7"]);
    const run = await runFleet(targets, { parallel: 4, canary: 0, continueOnError: true }, fn);
    expect(run.records.filter((r) => r.status === "failed").map((r) => r.name)).toEqual(["t2", "t7"]);
    expect(run.records.filter((r) => r.status === "changed")).toHaveLength(8);
    expect(run.stopped).toBeUndefined();
  });

  it("runs the canary first and stops there when it fails, even with --continue-on-error", async () => {
    const { state, fn } = work(["t1"]);
    const run = await runFleet(targets, { parallel: 8, canary: 3, continueOnError: true }, fn);
    expect(state.started.sort()).toEqual(["t0", "t1", "t2"]);
    expect(run.records.filter((r) => r.status === "not-run")).toHaveLength(7);
    expect(run.stopped).toMatch(/the canary failed \(t1\)/);
    const clean = work([]);
    const whole = await runFleet(targets, { parallel: 8, canary: 3, continueOnError: false }, clean.fn);
    expect(clean.state.started.slice(0, 3).sort()).toEqual(["t0", "t1", "t2"]);
    expect(whole.records.every((r) => r.status === "changed")).toBe(true);
  });
});
