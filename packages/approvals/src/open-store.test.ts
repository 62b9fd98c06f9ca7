import { InputError } from "@mc/core";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyMigrations, schemaVersion } from "./apply-migrations.js";
import { rawClient, tempDirectory } from "./test-support.js";
import { EMBEDDED_MIGRATIONS } from "./embedded-migrations.js";
import { ApprovalError } from "./errors/approval-error.js";
import { openStore } from "./open-store.js";

describe("openStore", () => {
  // The path becomes a file: URL for libSQL, which reads `?` as a query, `#` as a fragment and
  // decodes `%xx`: `file:${path}` failed for the first two and opened `a b/` for `a%20b/`, and a
  // directory named `x?mode=memory` gave an in-memory database whose journal vanished.
  it.each(["a%20b", "q?x", "h#y", "m?mode=memory", "p%3Fz", "pct%", "n\nl", "sp ace"])(
    "should put the database exactly inside a directory named %j",
    async (name) => {
      const parent = tempDirectory();
      const directory = join(parent, name);
      mkdirSync(directory);
      const path = join(directory, "mc.sqlite3");
      const store = await openStore({ path });
      const event = await store.appendAudit({ caller: "cli", tool: "system_info", arguments: {}, decision: "allowed", outcome: "ok" });
      store.close();
      expect(readdirSync(parent)).toStrictEqual([name]);
      expect(readdirSync(directory)).toContain("mc.sqlite3");
      expect(readFileSync(path).subarray(0, 16).toString("latin1")).toBe("SQLite format 3\u0000");
      // The event is in that file: the store opened on the same path again reads it.
      const again = await openStore({ path });
      expect((await again.listAudit({})).map((stored) => stored.hash)).toStrictEqual([event.hash]);
      again.close();
    },
  );

  it("should create the database file 0600 in a new 0700 directory, in WAL mode", async () => {
    const directory = join(tempDirectory(), "state", "master-control");
    const path = join(directory, "mc.sqlite3");
    const store = await openStore({ path });
    await store.appendAudit({ caller: "cli", tool: "system_info", arguments: {}, decision: "allowed", outcome: "ok" });
    // SQLite gives the WAL and shared-memory files the database file's mode.
    expect([path, `${path}-wal`, `${path}-shm`].map((file) => statSync(file).mode & 0o777)).toStrictEqual([0o600, 0o600, 0o600]);
    store.close();
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const mode = await rawClient(path).execute("PRAGMA journal_mode");
    expect(mode.rows[0]?.["journal_mode"]).toBe("wal");
  });

  it("should record the embedded migrations in drizzle's table once, however often it opens", async () => {
    const path = join(tempDirectory(), "mc.sqlite3");
    for (let index = 0; index < 3; index += 1) {
      (await openStore({ path })).close();
    }
    const applied = await rawClient(path).execute("SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at");
    expect(applied.rows.map((row) => [row["hash"], Number(row["created_at"])])).toStrictEqual(
      EMBEDDED_MIGRATIONS.map((migration) => [migration.hash, migration.folderMillis]),
    );
  });

  it("should record the schema version and skip the migrator on later opens", async () => {
    const path = join(tempDirectory(), "mc.sqlite3");
    (await openStore({ path })).close();
    const raw = rawClient(path);
    expect(Number((await raw.execute("PRAGMA user_version")).rows[0]?.[0])).toBe(schemaVersion(EMBEDDED_MIGRATIONS));
    // With the version current, the migrator does not run: it would recreate drizzle's table.
    await raw.execute("DROP TABLE __drizzle_migrations");
    const store = await openStore({ path });
    await store.appendAudit({ caller: "cli", tool: "system_info", arguments: {}, decision: "allowed", outcome: "ok" });
    store.close();
    expect((await raw.execute("SELECT name FROM sqlite_master WHERE name = '__drizzle_migrations'")).rows).toHaveLength(0);
  });

  it("should migrate a database that another set of migrations (an older mc) left, whatever its version says", async () => {
    const path = join(tempDirectory(), "mc.sqlite3");
    const raw = rawClient(path);
    await raw.execute("PRAGMA journal_mode=WAL");
    const { drizzle } = await import("drizzle-orm/libsql");
    // An older mc: only the first migration, and the version it would have recorded.
    await applyMigrations(drizzle(raw), EMBEDDED_MIGRATIONS.slice(0, 1), raw);
    expect(Number((await raw.execute("PRAGMA user_version")).rows[0]?.[0])).toBe(schemaVersion(EMBEDDED_MIGRATIONS.slice(0, 1)));
    // (A crash after the migrator, before the version was written, leaves the older version too.)
    const store = await openStore({ path });
    await store.appendAudit({ caller: "cli", tool: "system_info", arguments: {}, decision: "allowed", outcome: "ok" });
    store.close();
    const columns = await raw.execute("SELECT name FROM pragma_table_info('audit_events') WHERE name = 'host'");
    expect(columns.rows).toHaveLength(1);
    expect(Number((await raw.execute("PRAGMA user_version")).rows[0]?.[0])).toBe(schemaVersion(EMBEDDED_MIGRATIONS));
    const applied = await raw.execute("SELECT hash FROM __drizzle_migrations ORDER BY created_at");
    expect(applied.rows.map((row) => row["hash"])).toStrictEqual(EMBEDDED_MIGRATIONS.map((migration) => migration.hash));
  });

  it("should give each set of migrations its own positive schema version", () => {
    const versions = EMBEDDED_MIGRATIONS.map((_, index) => schemaVersion(EMBEDDED_MIGRATIONS.slice(0, index + 1)));
    expect(new Set(versions).size).toBe(EMBEDDED_MIGRATIONS.length);
    for (const version of [...versions, schemaVersion([])]) {
      expect(Number.isInteger(version) && version > 0 && version <= 0x7fffffff).toBe(true);
    }
  });

  it("should keep data across reopening, through a file: URL too", async () => {
    const path = join(tempDirectory(), "mc.sqlite3");
    const first = await openStore({ path });
    const { approval } = await first.requestApproval({
      tool: "restart_service",
      arguments: { unit: "a.service" },
      requester: { caller: "cli", clientName: null },
    });
    first.close();
    const second = await openStore({ url: `file:${path}` });
    expect((await second.get(approval.id))?.status).toBe("pending");
    second.close();
  });

  it("should prepare the directory and file of a file: URL like a path", async () => {
    const directory = join(tempDirectory(), "from-url");
    const path = join(directory, "mc.sqlite3");
    (await openStore({ url: `file:${path}` })).close();
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("should refuse options that do not name exactly one database", async () => {
    await expect(openStore({})).rejects.toThrow(InputError);
    await expect(openStore({ path: "/tmp/a", url: "file:/tmp/a" })).rejects.toThrow(/exactly one of `path` and `url`/);
    await expect(openStore({ url: "mysql://db/mc" })).rejects.toThrow(/must start with file:, libsql:, http:, https:, postgres:, postgresql:/);
    await expect(openStore({ url: "postgres://db/mc", hostId: "bad host\u001b[31m" })).rejects.toThrow(/is not a host name/);
  });

  it("should say which file cannot be created", async () => {
    const blocker = join(tempDirectory(), "not-a-directory");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(blocker, "");
    const error = await openStore({ path: join(blocker, "mc.sqlite3") }).catch((caught: unknown) => caught);
    expect(ApprovalError.isInstance(error) && error.code).toBe("store_failed");
    expect((error as Error).message).toContain(join(blocker, "mc.sqlite3"));
  });
});
