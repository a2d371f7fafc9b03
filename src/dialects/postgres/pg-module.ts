/**
 * Loading the `pg` driver without its web-runtime probe on Node 20.
 *
 * When loaded, pg asks whether it runs in a Cloudflare Worker: it reads
 * `navigator.userAgent`, and where there is no `navigator` (Node 20; Node 21+
 * has one) it constructs a `Response`, which makes Node load its whole fetch
 * implementation (undici): about 50 ms of CPU in every command that connects,
 * a tenth of `kiln current` (docs/benchmarks.md, "Start-up"). Node 21+'s own
 * `navigator` answers the question at once; on Node 20 one with Node's user
 * agent is defined for the duration of the (synchronous) require, and removed
 * again, so no other code can see it.
 */
import { createRequire } from "node:module";
import type pg from "pg";

export function requirePg(): typeof pg {
  const require = createRequire(import.meta.url);
  const global = globalThis as { navigator?: unknown };
  if (global.navigator !== undefined) return require("pg") as typeof pg;
  Object.defineProperty(global, "navigator", {
    value: { userAgent: `Node.js/${process.versions.node.split(".")[0]}` },
    configurable: true,
    writable: true,
  });
  try {
    return require("pg") as typeof pg;
  } finally {
    delete global.navigator;
  }
}
