import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { pgliteLocation } from "../../src/dialects/postgres/connect.js";
import { loadPgliteExtensions, pgliteExtensionNames } from "../../src/dialects/postgres/pglite-extensions.js";

describe("PGlite contrib extensions from the URL", () => {
  it("reads the names of ?extensions=, in order and once each; the query is not part of the directory", () => {
    expect(pgliteExtensionNames("pglite://./db")).toEqual([]);
    expect(pgliteExtensionNames("pglite://./db?extensions=uuid-ossp,%20pg_trgm,uuid-ossp,")).toEqual(["uuid-ossp", "pg_trgm"]);
    const location = pgliteLocation(parseDatabaseUrl("pglite:///srv/app/db?extensions=citext"));
    expect(location).toEqual({ memory: false, directory: "/srv/app/db" });
    expect(pgliteLocation(parseDatabaseUrl("pglite://memory?extensions=citext"))).toEqual({ memory: true });
  });

  it("loads each named contrib module under its module name", async () => {
    const extensions = await loadPgliteExtensions(parseDatabaseUrl("pglite://memory?extensions=uuid-ossp,citext"));
    expect(Object.keys(extensions)).toEqual(["uuid_ossp", "citext"]);
    expect((extensions.uuid_ossp as { name: string }).name).toBe("uuid-ossp");
  });

  it("refuses a name PGlite does not ship, or that is not an extension name, with the database named", async () => {
    for (const name of ["pgstattuple", "../../../etc", "Citext"]) {
      await expect(loadPgliteExtensions(parseDatabaseUrl(`pglite://./db?extensions=${encodeURIComponent(name)}`))).rejects.toThrow(
        `cannot open PGlite database pglite://./db: PGlite has no extension ${JSON.stringify(name)}`,
      );
    }
  });
});
