import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendUnavailable, PACKAGE_DIR, tempDirectory, testDatabase } from "../src/test-support.js";

async function modulesLoadedBy(location: string): Promise<string[]> {
  const result = await execa(process.execPath, [join(PACKAGE_DIR, "test", "fixtures", "lazy-driver.mjs"), location], { cwd: PACKAGE_DIR });
  return JSON.parse(result.stdout) as string[];
}

// drizzle's own core loads a few pg-core files (its type checks) for any dialect; the pg-core
// barrel (table builders the PostgreSQL schema uses), the driver and mc's PostgreSQL chunks are
// what only a PostgreSQL store needs.
const POSTGRES_ONLY =
  /\/node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+)\/|drizzle-orm\/node-postgres\/|drizzle-orm\/pg-core\/index\.js|postgres-connection-|embedded-migrations-pg-/;

describe("which database driver a store loads", () => {
  it("should never load pg, drizzle's node-postgres driver and pg-core barrel, or the PostgreSQL store and migrations for an embedded file", async () => {
    const loaded = await modulesLoadedBy(join(tempDirectory(), "mc.sqlite3"));
    expect(loaded.some((url) => url.includes("@libsql/"))).toBe(true);
    expect(loaded.filter((url) => POSTGRES_ONLY.test(url))).toStrictEqual([]);
  });

  it.skipIf(backendUnavailable("postgres") !== undefined)("should load them for a postgres:// URL, and not libSQL", async () => {
    const database = await testDatabase("postgres");
    const loaded = await modulesLoadedBy(database.location);
    expect(loaded.some((url) => /\/node_modules\/pg\//.test(url))).toBe(true);
    expect(loaded.some((url) => url.includes("postgres-connection-"))).toBe(true);
    expect(loaded.some((url) => url.endsWith("drizzle-orm/pg-core/index.js"))).toBe(true);
    expect(loaded.filter((url) => url.includes("@libsql/"))).toStrictEqual([]);
  });
});
