/**
 * Database drivers are optional peer dependencies: a project installs only the
 * one its URL needs. Each is imported here, on first use, and a missing one
 * becomes one message naming the package to install.
 */
import { KilnError } from "../errors.js";

export type DriverPackage = "pg" | "mysql2" | "better-sqlite3" | "@electric-sql/pglite";

/** True when `error` says that `packageName` itself (not something inside it) cannot be found. */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  return typeof message === "string" && message.includes(`'${packageName}'`);
}

export function missingDriverError(packageName: DriverPackage, urlKind: string, cause?: unknown): KilnError {
  return new KilnError(`the ${urlKind} URL needs the "${packageName}" package: npm install ${packageName}`, { cause });
}

/**
 * Imports a driver through `load` (a literal `import("pg")` at the call site, so
 * types and bundlers see it). `urlKind` names the URL in the message, e.g. "postgres".
 */
export async function loadDriver<T>(packageName: DriverPackage, urlKind: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, packageName)) throw missingDriverError(packageName, urlKind, error);
    throw error;
  }
}

/** The driver package each URL scheme needs (for `kiln init` and the docs). */
export function driverForScheme(scheme: string): DriverPackage | undefined {
  switch (scheme.toLowerCase()) {
    case "postgres":
    case "postgresql":
      return "pg";
    case "pglite":
      return "@electric-sql/pglite";
    case "mysql":
    case "mariadb":
      return "mysql2";
    case "sqlite":
      return "better-sqlite3";
    default:
      return undefined;
  }
}
