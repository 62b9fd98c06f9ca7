import { InputError } from "@mc/core";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditEventInput } from "./audit-event.js";
import { AuditGroupCommit } from "./audit-group-commit.js";
import { auditEventFields } from "./audit-journal.js";
import { Connection } from "./connection.js";
import { openStore } from "./open-store.js";
import { LIBSQL_DIALECT } from "./store-dialect.js";
import type { StoreConnection } from "./store-dialect.js";
import { backendUnavailable, BACKENDS, tempDirectory, testDatabase } from "./test-support.js";
import type { Backend } from "./test-support.js";

function event(index: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    caller: "mcp",
    clientName: "burst",
    tool: "memory_usage",
    arguments: { index },
    decision: "allowed",
    reason: null,
    durationMs: 1,
    outcome: "ok",
    ...overrides,
  };
}

describe.each(BACKENDS)("concurrent audit appends on the %s store (group commit)", (backend: Backend) => {
  describe.skipIf(backendUnavailable(backend) !== undefined)("ApprovalStore.appendAudit", () => {
    it("should store every event once, each acknowledged with what was stored, in one valid chain", async () => {
      const store = await (await testDatabase(backend)).open();
      await store.appendAudit(event(0));
      const records = await Promise.all(Array.from({ length: 150 }, (_, index) => store.appendAudit(event(index + 1))));
      // Concurrent appends have no order among themselves (PostgreSQL commits groups in
      // parallel); each gets its own place in the chain, and what it was told is what is stored.
      expect(records.map((record) => record.seq).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 150 }, (_, index) => index + 2));
      expect(records.map((record) => record.arguments)).toStrictEqual(Array.from({ length: 150 }, (_, index) => ({ index: index + 1 })));
      const stored = new Map((await store.listAudit({ limit: 1000 })).map((record) => [record.seq, record]));
      expect(stored.size).toBe(151);
      for (const record of records) expect(stored.get(record.seq)).toStrictEqual(record);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 151 });
    });

    it("should refuse a malformed event alone, and store the events appended beside it", async () => {
      const store = await (await testDatabase(backend)).open();
      const results = await Promise.allSettled([store.appendAudit(event(1)), store.appendAudit(event(2, { tool: "" })), store.appendAudit(event(3))]);
      expect(results.map((result) => result.status)).toStrictEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(InputError);
      expect((await store.listAudit()).map((record) => record.arguments)).toStrictEqual([{ index: 3 }, { index: 1 }]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
    });

    it("should link a group to events another store appended since its last append (stale head)", async () => {
      const database = await testDatabase(backend);
      const [first, second] = [await database.open(), await database.open()];
      await first.appendAudit(event(1));
      for (let index = 0; index < 5; index += 1) await second.appendAudit(event(100 + index));
      const group = await Promise.all(Array.from({ length: 30 }, (_, index) => first.appendAudit(event(200 + index))));
      expect(group.map((record) => record.seq).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 30 }, (_, index) => index + 7));
      await second.appendAudit(event(300));
      expect(await first.verifyAudit()).toMatchObject({ ok: true, checked: 37 });
    });
  });
});

describe("AuditGroupCommit on a libSQL connection", () => {
  async function countedConnection(): Promise<{ connection: StoreConnection; operations: () => number; path: string }> {
    const path = join(tempDirectory(), "state", "mc.sqlite3");
    (await openStore({ path })).close(); // creates the schema
    const real = await Connection.open({ url: `file:${path}`, busyTimeoutMs: 5000, maxAttempts: 8 });
    let operations = 0;
    const connection: StoreConnection = {
      dialect: real.dialect,
      run: (operation) => {
        operations += 1;
        return real.run(operation);
      },
      close: () => real.close(),
    };
    return { connection, operations: () => operations, path };
  }

  it("should write concurrent appends in far fewer commits than events, and acknowledge each with its stored event", async () => {
    const { connection, operations, path } = await countedConnection();
    const group = new AuditGroupCommit(connection, (database) => ({ database, dialect: LIBSQL_DIALECT, host: "bench" }), {});
    const now = new Date("2026-11-25T12:00:00.000Z");
    const records = await Promise.all(Array.from({ length: 100 }, (_, index) => group.append(auditEventFields(now, event(index), "bench"))));
    expect(records.map((record) => record.seq)).toStrictEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    // All 100 arrive before the first write starts: one operation, one transaction.
    expect(operations()).toBe(1);
    const more = await Promise.all(Array.from({ length: 10 }, (_, index) => group.append(auditEventFields(now, event(100 + index), "bench"))));
    expect(more.map((record) => record.seq)).toStrictEqual(Array.from({ length: 10 }, (_, index) => index + 101));
    connection.close();
    const store = await openStore({ path });
    expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 110 });
    store.close();
  });

  it("should reject every event of a group whose commit fails, and acknowledge none", async () => {
    const { connection } = await countedConnection();
    const group = new AuditGroupCommit(connection, (database) => ({ database, dialect: LIBSQL_DIALECT, host: "bench" }), {});
    const now = new Date();
    connection.close();
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, index) => group.append(auditEventFields(now, event(index), "bench"))));
    expect(results.map((result) => result.status)).toStrictEqual(Array.from({ length: 5 }, () => "rejected"));
  });
});
