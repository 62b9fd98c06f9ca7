import { InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { backendUnavailable, BACKENDS, testClock, testDatabase } from "./test-support.js";
import type { Backend, TestDatabase } from "./test-support.js";
import type { ApprovalStore } from "./approval-store.js";
import type { AuditVerification } from "./audit-verification.js";
import type { AuditVerifyOptions } from "./audit-journal.js";
import { auditEventHash, GENESIS_HASH } from "./audit-event.js";
import type { AuditEventInput } from "./audit-event.js";

function event(index: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    caller: "mcp",
    clientName: "claude-desktop",
    tool: index % 2 === 0 ? "service_status" : "restart_service",
    arguments: { unit: `app-${index}.service` },
    decision: "allowed",
    reason: null,
    durationMs: 12,
    outcome: "ok",
    ...overrides,
  };
}

async function appendMany(store: ApprovalStore, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) {
    await store.appendAudit(event(index));
  }
}

describe.each(BACKENDS)("the %s store", (backend: Backend) => {
  const unavailable = backendUnavailable(backend);

  /** A store on a new database of this backend, and the database (for tampering). */
  async function openTestStore(now?: () => Date): Promise<{ store: ApprovalStore; database: TestDatabase }> {
    const database = await testDatabase(backend);
    return { store: await database.open(now === undefined ? {} : { now }), database };
  }

  /** verifyAudit, with each problem's host (PostgreSQL names it) checked and left out. */
  async function verify(store: ApprovalStore, options?: AuditVerifyOptions): Promise<AuditVerification> {
    const result = await store.verifyAudit(options);
    return {
      ...result,
      problems: result.problems.map(({ host, ...problem }) => {
        expect(host).toBe(backend === "postgres" ? store.host : undefined);
        return problem;
      }),
    };
  }

  describe.skipIf(unavailable !== undefined)("ApprovalStore.appendAudit", () => {
    it("should chain each event to the previous one", async () => {
      const clock = testClock();
      const { store } = await openTestStore(clock.now);
      const first = await store.appendAudit(
        event(1, { approvalId: "apr_0000000000000000", reason: "confirmation required", decision: "approval_required", outcome: "pending" }),
      );
      const second = await store.appendAudit(event(2, { caller: "cli", clientName: null, outcome: "failed", decision: "allowed", error: "Unit not found" }));
      expect(first).toStrictEqual({
        host: store.host,
        seq: 1,
        time: "2026-11-25T12:00:00.000Z",
        caller: "mcp",
        clientName: "claude-desktop",
        tool: "restart_service",
        arguments: { unit: "app-1.service" },
        decision: "approval_required",
        reason: "confirmation required",
        approvalId: "apr_0000000000000000",
        durationMs: 12,
        outcome: "pending",
        error: null,
        prevHash: GENESIS_HASH,
        hash: auditEventHash(GENESIS_HASH, { ...first, arguments: '{"unit":"app-1.service"}' }),
      });
      expect(second.seq).toBe(2);
      expect(second.prevHash).toBe(first.hash);
    });

    it("should link to the events another store appended in between, never to its own stale head", async () => {
      const { store: first, database } = await openTestStore();
      const second = await database.open();
      await first.appendAudit(event(1));
      await second.appendAudit(event(2));
      await second.appendAudit(event(3));
      // first last saw seq 1: its one-batch append must find the head moved and re-read it.
      const fourth = await first.appendAudit(event(4));
      await second.appendAudit(event(5));
      const records = (await first.listAudit()).reverse();
      expect(fourth.seq).toBe(4);
      expect(records.map((record) => record.seq)).toStrictEqual([1, 2, 3, 4, 5]);
      expect(records.map((record) => record.prevHash)).toStrictEqual([GENESIS_HASH, ...records.slice(0, -1).map((record) => record.hash)]);
      expect(await verify(first)).toStrictEqual({ ok: true, checked: 5, problems: [] });
    });

    it("should store redacted arguments only", async () => {
      const { store, database } = await openTestStore();
      await store.appendAudit(event(1, { tool: "write_config_file", arguments: { path: "/etc/app.ini", content: "password = hunter2\n", api_key: "sk-123" } }));
      const stored = await database.raw("SELECT arguments FROM audit_events");
      expect(String(stored[0]?.["arguments"])).not.toMatch(/hunter2|sk-123/);
      expect((await store.listAudit())[0]?.arguments).toMatchObject({ api_key: "[redacted]", content: { bytes: 19 } });
    });

    it("should refuse a malformed event and store nothing", async () => {
      const { store } = await openTestStore();
      await expect(store.appendAudit(event(1, { caller: "ssh" as "cli", outcome: "maybe" as "ok" }))).rejects.toThrow(InputError);
      await expect(store.appendAudit(event(1, { caller: "ssh" as "cli" }))).rejects.toThrow(/caller must be one of cli, mcp, embedded, http/);
      expect(await store.listAudit()).toStrictEqual([]);
    });
  });

  describe.skipIf(unavailable !== undefined)("ApprovalStore.listAudit", () => {
    it("should list newest first and filter by tool, outcome, caller and time", async () => {
      const clock = testClock();
      const { store } = await openTestStore(clock.now);
      await store.appendAudit(event(1));
      clock.advance(60_000);
      await store.appendAudit(event(2, { caller: "cli", outcome: "denied", decision: "denied" }));
      clock.advance(60_000);
      await store.appendAudit(event(3, { caller: "embedded" }));
      expect((await store.listAudit()).map((record) => record.seq)).toStrictEqual([3, 2, 1]);
      expect((await store.listAudit({ tool: "restart_service" })).map((record) => record.seq)).toStrictEqual([3, 1]);
      expect((await store.listAudit({ outcome: "denied" })).map((record) => record.seq)).toStrictEqual([2]);
      expect((await store.listAudit({ caller: "embedded" })).map((record) => record.seq)).toStrictEqual([3]);
      expect((await store.listAudit({ since: "2026-11-25T12:01:00Z" })).map((record) => record.seq)).toStrictEqual([3, 2]);
      expect((await store.listAudit({ until: "2026-11-25T12:01:00Z" })).map((record) => record.seq)).toStrictEqual([2, 1]);
      expect((await store.listAudit({ since: "2026-11-25T12:00:30Z", until: "2026-11-25T12:01:30Z" })).map((record) => record.seq)).toStrictEqual([2]);
      await expect(store.listAudit({ until: "tomorrow" })).rejects.toThrow(/"until" must be a date/);
      expect((await store.listAudit({ limit: 1 })).map((record) => record.seq)).toStrictEqual([3]);
      await expect(store.listAudit({ since: "yesterday" })).rejects.toThrow(/"since" must be a date/);
    });
  });

  describe.skipIf(unavailable !== undefined)("ApprovalStore.verifyAudit", () => {
    it("should pass an intact chain and an empty journal", async () => {
      const { store } = await openTestStore();
      expect(await verify(store)).toStrictEqual({ ok: true, checked: 0, problems: [] });
      await appendMany(store, 5);
      expect(await verify(store)).toStrictEqual({ ok: true, checked: 5, problems: [] });
    });

    it("should check only the newest events with lastEvents, anchored at the event before them", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 8);
      expect(await verify(store, { lastEvents: 3 })).toStrictEqual({ ok: true, checked: 3, problems: [] });
      expect(await verify(store, { lastEvents: 50 })).toStrictEqual({ ok: true, checked: 8, problems: [] });
      // An edit before the window is the full check's to find; one inside it is found.
      await database.raw("UPDATE audit_events SET tool = 'edited' WHERE seq IN (2, 7)");
      expect(await verify(store, { lastEvents: 3 })).toStrictEqual({ ok: false, checked: 3, problems: [{ seq: 7, problem: "hash mismatch" }] });
      expect((await verify(store)).problems).toStrictEqual([
        { seq: 2, problem: "hash mismatch" },
        { seq: 7, problem: "hash mismatch" },
      ]);
      // The anchor deleted: the gap is reported; deleted newest rows: the head tells.
      await database.raw("DELETE FROM audit_events WHERE seq IN (5, 8)");
      expect(await verify(store, { lastEvents: 3 })).toStrictEqual({
        ok: false,
        checked: 2,
        problems: [
          { seq: 5, problem: "missing row" },
          { seq: 7, problem: "hash mismatch" },
          { seq: 8, problem: "missing row" },
          { seq: 8, problem: "head mismatch" },
        ],
      });
      await expect(store.verifyAudit({ lastEvents: 0 })).rejects.toThrow(/lastEvents must be a positive whole number, not 0/);
    });

    it("should report a row whose field was edited", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 5);
      await database.raw("UPDATE audit_events SET outcome = 'ok', decision = 'allowed', tool = 'system_info' WHERE seq = 3");
      expect(await verify(store)).toStrictEqual({ ok: false, checked: 5, problems: [{ seq: 3, problem: "hash mismatch" }] });
    });

    it("should report an edited row whose hash was recomputed, at the next link", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 4);
      const row = (await store.listAudit()).find((record) => record.seq === 2);
      if (row === undefined) {
        throw new Error("row 2 missing");
      }
      const forged = auditEventHash(row.prevHash, { ...row, durationMs: 1, arguments: JSON.stringify(row.arguments) });
      await database.raw("UPDATE audit_events SET duration_ms = 1, hash = ? WHERE seq = 2", [forged]);
      expect(await verify(store)).toStrictEqual({ ok: false, checked: 4, problems: [{ seq: 3, problem: "chain break" }] });
    });

    it("should report a deleted middle row", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 5);
      await database.raw("DELETE FROM audit_events WHERE seq = 3");
      expect(await verify(store)).toStrictEqual({ ok: false, checked: 4, problems: [{ seq: 3, problem: "missing row" }] });
    });

    it("should report deleted last rows through the head", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 5);
      await database.raw("DELETE FROM audit_events WHERE seq >= 4");
      expect(await verify(store)).toStrictEqual({
        ok: false,
        checked: 3,
        problems: [
          { seq: 4, problem: "missing row" },
          { seq: 5, problem: "missing row" },
          { seq: 5, problem: "head mismatch" },
        ],
      });
    });

    it("should report a deleted head and a wiped journal", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 2);
      await database.raw("DELETE FROM audit_head");
      expect(await verify(store)).toStrictEqual({ ok: false, checked: 2, problems: [{ seq: 2, problem: "head mismatch" }] });
      await store.appendAudit(event(3));
      await database.raw("DELETE FROM audit_events");
      expect(await verify(store)).toMatchObject({
        ok: false,
        checked: 0,
        problems: [
          { seq: 1, problem: "missing row" },
          { seq: 2, problem: "missing row" },
          { seq: 3, problem: "missing row" },
          { seq: 3, problem: "head mismatch" },
        ],
      });
    });

    it("should keep appending after tampering, and keep reporting it", async () => {
      const { store, database } = await openTestStore();
      await appendMany(store, 3);
      await database.raw("DELETE FROM audit_events WHERE seq = 3");
      const next = await store.appendAudit(event(4));
      expect(next.seq).toBe(4);
      expect(await verify(store)).toStrictEqual({ ok: false, checked: 3, problems: [{ seq: 3, problem: "missing row" }] });
    });
  });
});
