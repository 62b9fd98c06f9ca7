import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { createRuntime } from "./runtime.js";
import { redactDatabaseUrl, resolveRuntimePaths } from "./runtime-paths.js";

describe("resolveRuntimePaths", () => {
  it("should default to the XDG state home under HOME", () => {
    expect(resolveRuntimePaths({}, { HOME: "/home/ops" })).toStrictEqual({
      stateDir: "/home/ops/.local/state/master-control",
      policyPath: "/home/ops/.local/state/master-control/policy.toml",
      policyExplicit: false,
      databaseUrl: "file:///home/ops/.local/state/master-control/mc.sqlite3",
      databasePath: "/home/ops/.local/state/master-control/mc.sqlite3",
      hostId: hostname(),
    });
  });

  it("should respect XDG_STATE_HOME and ignore a relative one", () => {
    expect(resolveRuntimePaths({}, { HOME: "/h", XDG_STATE_HOME: "/var/state" }).stateDir).toBe("/var/state/master-control");
    expect(resolveRuntimePaths({}, { HOME: "/h", XDG_STATE_HOME: "rel" }).stateDir).toBe("/h/.local/state/master-control");
  });

  it("should take MC_* variables over defaults and options over variables", () => {
    const env = { HOME: "/h", MC_STATE_DIR: "/srv/mc", MC_POLICY_PATH: "/etc/mc/policy.toml", MC_DB_PATH: "/srv/db/mc.db", MC_HOST_ID: "web-1" };
    expect(resolveRuntimePaths({}, env)).toStrictEqual({
      stateDir: "/srv/mc",
      policyPath: "/etc/mc/policy.toml",
      policyExplicit: true,
      databaseUrl: "file:///srv/db/mc.db",
      databasePath: "/srv/db/mc.db",
      hostId: "web-1",
    });
    expect(resolveRuntimePaths({ hostId: "db-2" }, env).hostId).toBe("db-2");
    expect(resolveRuntimePaths({}, { HOME: "/h", MC_HOST_ID: "" }).hostId).toBe(hostname());
    expect(resolveRuntimePaths({ stateDir: "/opt/s" }, { HOME: "/h" }).policyPath).toBe("/opt/s/policy.toml");
    expect(resolveRuntimePaths({ policyPath: "p.toml" }, { HOME: "/h" }).policyExplicit).toBe(true);
    // An empty MC_POLICY_PATH is unset: the default path, which may be absent.
    expect(resolveRuntimePaths({}, { HOME: "/h", MC_POLICY_PATH: "" }).policyExplicit).toBe(false);
    expect(resolveRuntimePaths({ stateDir: "/s", policyPath: "/s/policy.toml" }, { HOME: "/h" }).policyExplicit).toBe(false);
  });

  it("should take a PostgreSQL MC_DB_URL as the fleet store, with the host id", () => {
    expect(resolveRuntimePaths({}, { HOME: "/h", MC_DB_URL: "postgres://mc@db.example/mc", MC_HOST_ID: "web-1" })).toMatchObject({
      databaseUrl: "postgres://mc@db.example/mc",
      hostId: "web-1",
    });
  });

  it("should prefer MC_DB_URL for a shared libSQL server, unless a path is given explicitly", () => {
    expect(resolveRuntimePaths({}, { HOME: "/h", MC_DB_URL: "libsql://db.example:8080" })).toMatchObject({ databaseUrl: "libsql://db.example:8080" });
    expect(resolveRuntimePaths({}, { HOME: "/h", MC_DB_URL: "libsql://db.example:8080" }).databasePath).toBeUndefined();
    expect(resolveRuntimePaths({ databasePath: "/tmp/x.db" }, { HOME: "/h", MC_DB_URL: "libsql://db" }).databasePath).toBe("/tmp/x.db");
  });

  it("should keep a state dir with spaces as a plain path for the embedded database", () => {
    expect(resolveRuntimePaths({ stateDir: "/tmp/a b%c" }, { HOME: "/h" }).databasePath).toBe("/tmp/a b%c/mc.sqlite3");
  });

  it("should redact a database URL's user, password and secret parameters for messages", () => {
    expect(redactDatabaseUrl("postgres://mc:s3cret@db.example:5432/mc?sslmode=verify-full&sslpassword=hunter2&sslkey=/k.pem")).toBe(
      "postgres://…@db.example:5432/mc?sslmode=verify-full&sslpassword=…&sslkey=…",
    );
    expect(redactDatabaseUrl("postgresql://db.example/mc?password=p&user=mc")).toBe("postgresql://db.example/mc?password=…&user=mc");
    expect(redactDatabaseUrl("libsql://db.example?authToken=abc")).toBe("libsql://db.example?authToken=…");
    expect(redactDatabaseUrl("file:/var/lib/mc/mc.sqlite3")).toBe("file:/var/lib/mc/mc.sqlite3");
  });
});

// The embedded database is opened through a file: URL, in which `?` starts a query, `#` a
// fragment and `%xx` is decoded: the state dir's name must reach the file system as it is.
describe("a state dir whose name reads as URL syntax", () => {
  it.each(["a%20b", "q?x", "h#y", "m?mode=memory"])("should hold the database of MC_STATE_DIR=…/%s exactly", async (name) => {
    const parent = mkdtempSync(join(tmpdir(), "mc-runtime-url-"));
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
    const stateDir = join(parent, name);
    mkdirSync(stateDir);
    const runtime = createRuntime({ env: { MC_STATE_DIR: stateDir, HOME: parent } });
    const verification = await runtime.audit.verify();
    await runtime.close();
    expect(verification.ok).toBe(true);
    expect(readdirSync(parent)).toStrictEqual([name]);
    expect(readdirSync(stateDir)).toContain("mc.sqlite3");
  });
});
