import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { AuditEventInput } from "./audit-event.js";
import { AuditGroupCommit } from "./audit-group-commit.js";
import { auditEventFields, listAudit, verifyAudit } from "./audit-journal.js";
import type { AuditHeadCache } from "./audit-journal.js";
import { Connection } from "./connection.js";
import type { BusyEvent } from "./connection.js";
import { openStore } from "./open-store.js";
import { localDatabasePath } from "./prepared-statements.js";
import type { PreparedStatements } from "./prepared-statements.js";
import type { Scope } from "./store-dialect.js";
import { rawClient, tempDirectory } from "./test-support.js";

const HOST = "host-a";

function event(index: number): AuditEventInput {
  return { caller: "mcp", clientName: "prep", tool: "memory_usage", arguments: { index }, decision: "allowed", reason: null, durationMs: 1, outcome: "ok" };
}

/** A real file database with the store's schema, its connection and a group commit on it, as the store wires them. */
async function journal(options: { busyTimeoutMs?: number; onBusy?: (event: BusyEvent) => void } = {}) {
  const path = join(tempDirectory(), "state", "mc.sqlite3");
  (await openStore({ path })).close(); // creates the schema
  const connection = await Connection.open({
    url: pathToFileURL(path).href,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    maxAttempts: 20,
    ...(options.onBusy === undefined ? {} : { onBusy: options.onBusy }),
  });
  const scope = (database: Scope["database"]): Scope => ({ database, dialect: connection.dialect, host: HOST });
  const head: AuditHeadCache = {};
  const group = new AuditGroupCommit(connection, scope, head);
  const append = (index: number) => group.append(auditEventFields(new Date(), event(index), HOST));
  const prepared = () => connection.run(async (_database, _client, statements) => statements);
  const verify = () => connection.run((database) => verifyAudit(scope(database)));
  const list = () => connection.run((database) => listAudit(scope(database), { limit: 1000 }));
  return { path, connection, head, append, prepared, verify, list };
}

describe("the audit append's prepared statement", () => {
  it("should write the appends after the first through one statement prepared once, on a WAL connection with synchronous=FULL, into a chain that verifies", async () => {
    const { connection, append, prepared, verify, list } = await journal();
    await append(1); // no cached head yet: the careful append, which reads the head
    const statements = await prepared();
    expect(statements).toBeDefined();
    expect(statements?.size).toBe(0);
    for (let index = 2; index <= 40; index += 1) await append(index);
    // One statement however many appends: nothing grows per call.
    expect(statements?.size).toBe(1);
    expect(statements?.durability()).toStrictEqual({ synchronous: 2, journalMode: "wal" });
    expect(await verify()).toMatchObject({ ok: true, checked: 40 });
    expect((await list()).map((record) => record.arguments)).toStrictEqual(Array.from({ length: 40 }, (_, index) => ({ index: 40 - index })));
    connection.close();
  });

  it("should write nothing when another connection moved the head, and the append then links after it", async () => {
    const { path, connection, append, verify, list } = await journal();
    await append(1);
    await append(2);
    const other = await openStore({ path });
    await other.appendAudit(event(100));
    other.close();
    const moved = (await list())[0];
    expect(moved).toMatchObject({ seq: 3, arguments: { index: 100 } });
    // The cached head (seq 2) is stale: the guarded statement changes no row, the careful append follows seq 3.
    expect(await append(3)).toMatchObject({ seq: 4, prevHash: moved?.hash });
    expect(await verify()).toMatchObject({ ok: true, checked: 4 });
    expect((await list()).map((record) => record.arguments)).toStrictEqual([{ index: 3 }, { index: 100 }, { index: 2 }, { index: 1 }]);
    connection.close();
  });

  it("should be discarded with its client after SQLITE_BUSY, reopened on the new one, and lose or duplicate no event", async () => {
    const busy: BusyEvent[] = [];
    const { path, connection, append, prepared, verify, list } = await journal({ busyTimeoutMs: 30, onBusy: (busyEvent) => busy.push(busyEvent) });
    await append(1);
    await append(2);
    const before = (await prepared()) as PreparedStatements;
    expect(before.size).toBe(1);
    // Another connection holds the write lock: the prepared INSERT meets SQLITE_BUSY.
    const holder = await rawClient(path).transaction("write");
    const pending = append(3);
    setTimeout(() => void holder.rollback(), 60);
    expect(await pending).toMatchObject({ seq: 3 });
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy[0]).toMatchObject({ attempt: 1, retrying: true });
    // The statement (and its native connection) that met SQLITE_BUSY is never used again.
    expect(() => before.run("SELECT 1", [])).toThrow(/closed/);
    const after = (await prepared()) as PreparedStatements;
    expect(after).not.toBe(before);
    await append(4);
    await append(5);
    expect(after.size).toBe(1);
    expect(await verify()).toMatchObject({ ok: true, checked: 5 });
    expect((await list()).map((record) => record.arguments)).toStrictEqual([5, 4, 3, 2, 1].map((index) => ({ index })));
    connection.close();
  });

  it("should fail an append cleanly after close(), writing nothing", async () => {
    const { path, connection, append, prepared } = await journal();
    await append(1);
    await append(2);
    const statements = (await prepared()) as PreparedStatements;
    connection.close();
    await expect(append(3)).rejects.toThrow(/closed/);
    expect(() => statements.run("SELECT 1", [])).toThrow(/closed/);
    expect(() => statements.durability()).toThrow(/closed/);
    const reader = await openStore({ path });
    expect((await reader.listAudit()).map((record) => record.arguments)).toStrictEqual([{ index: 2 }, { index: 1 }]);
    expect(await reader.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
    reader.close();
  });

  it("should write a group of concurrent appends in one transaction of prepared statements, and the chain verifies", async () => {
    const { connection, append, prepared, verify, list } = await journal();
    await append(0);
    const records = await Promise.all(Array.from({ length: 60 }, (_, index) => append(index + 1)));
    expect(records.map((record) => record.seq)).toStrictEqual(Array.from({ length: 60 }, (_, index) => index + 2));
    // BEGIN IMMEDIATE, the guarded INSERT, COMMIT: prepared once each.
    expect((await prepared())?.size).toBe(3);
    expect(await verify()).toMatchObject({ ok: true, checked: 61 });
    expect(await list()).toHaveLength(61);
    connection.close();
  });

  it("should retry a group that met SQLITE_BUSY on a reopened connection, with every event once", async () => {
    const busy: BusyEvent[] = [];
    const { path, connection, append, prepared, verify, list } = await journal({ busyTimeoutMs: 30, onBusy: (busyEvent) => busy.push(busyEvent) });
    await append(0);
    const before = await prepared();
    const holder = await rawClient(path).transaction("write");
    const pending = Promise.all(Array.from({ length: 20 }, (_, index) => append(index + 1)));
    setTimeout(() => void holder.rollback(), 60);
    expect((await pending).map((record) => record.seq)).toStrictEqual(Array.from({ length: 20 }, (_, index) => index + 2));
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(await prepared()).not.toBe(before);
    expect(await verify()).toMatchObject({ ok: true, checked: 21 });
    expect(await list()).toHaveLength(21);
    connection.close();
  });

  it("should keep nothing of a write transaction in which a statement failed, and leave the connection usable", async () => {
    const { path, connection, prepared } = await journal();
    await rawClient(path).execute("CREATE TABLE scratch (value TEXT NOT NULL)");
    const statements = (await prepared()) as PreparedStatements;
    const insert = "INSERT INTO scratch (value) VALUES (?)";
    expect(() =>
      statements.runInWriteTransaction([
        { sql: insert, args: ["kept?"] },
        { sql: insert, args: [null] },
      ]),
    ).toThrow(/NOT NULL/);
    expect(statements.runInWriteTransaction([{ sql: insert, args: ["one"] }])).toStrictEqual([1]);
    // No transaction was left open: another connection can write at once.
    await rawClient(path).execute({ sql: insert, args: ["two"] });
    expect((await rawClient(path).execute("SELECT value FROM scratch ORDER BY rowid")).rows.map((row) => row["value"])).toStrictEqual(["one", "two"]);
    connection.close();
  });

  it("should bind values as the client does with intMode number", async () => {
    const { connection, prepared } = await journal();
    const statements = (await prepared()) as PreparedStatements;
    expect(() => statements.run("SELECT ?", [undefined])).toThrow(TypeError);
    expect(() => statements.run("SELECT ?", [Number.NaN])).toThrow(RangeError);
    expect(() => statements.run("SELECT ?", [2n ** 64n])).toThrow(RangeError);
    connection.close();
  });
});

describe("localDatabasePath", () => {
  it("should read a file: URL as @libsql/client does, and name no file for in-memory or remote-looking URLs", () => {
    expect(localDatabasePath("file:/var/lib/mc/mc.sqlite3")).toBe("/var/lib/mc/mc.sqlite3");
    expect(localDatabasePath("file:///var/lib/a%20b/mc.sqlite3")).toBe("/var/lib/a b/mc.sqlite3");
    expect(localDatabasePath("file://localhost/var/mc.sqlite3")).toBe("/var/mc.sqlite3");
    expect(localDatabasePath("file:state/mc.sqlite3?tls=0#x")).toBe("state/mc.sqlite3");
    expect(localDatabasePath("file:%2Fetc%3Fx")).toBe("/etc?x");
    // A second connection to :memory: would be another, empty database.
    expect(localDatabasePath("file::memory:")).toBeUndefined();
    expect(localDatabasePath("file::memory:?cache=shared")).toBeUndefined();
    expect(localDatabasePath("file://host/x.db")).toBeUndefined();
    expect(localDatabasePath("file:%E0%A4%A")).toBeUndefined();
    expect(localDatabasePath("libsql://db.example.com")).toBeUndefined();
  });

  it("should give an in-memory database no prepared statements, so its appends stay on its one connection", async () => {
    const connection = await Connection.open({ url: "file::memory:", busyTimeoutMs: 1000, maxAttempts: 2 });
    expect(await connection.run(async (_database, _client, statements) => statements)).toBeUndefined();
    connection.close();
  });
});
