// Every change of an approval is an audit event committed in the same transaction as the change
// (docs/approvals.md): decisions, claims with their `started` event, finalize with the final event,
// expiry and recovery. A failing audit write rolls the change back.
import { statSync } from "node:fs";
import { InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { MAX_APPROVAL_ARGUMENTS_BYTES } from "./approval-queue.js";
import type { ApprovalStore } from "./approval-store.js";
import type { AuditRecord } from "./audit-event.js";
import { openTestStore, rawClient, testClock } from "./test-support.js";

const TOOL = "restart_service";
const ARGS = { unit: "nginx.service", scope: "system" };
const REQUESTER = { caller: "mcp" as const, clientName: "claude-desktop" };

async function pending(store: ApprovalStore, args: Record<string, unknown> = ARGS): Promise<string> {
  return (await store.requestApproval({ tool: TOOL, arguments: args, requester: REQUESTER })).approval.id;
}

async function eventsOf(store: ApprovalStore, approvalId: string): Promise<AuditRecord[]> {
  return (await store.listAudit({ limit: 1000 })).filter((event) => event.approvalId === approvalId).reverse();
}

/** Makes every audit insert fail, as a full disk or a broken journal would. */
async function breakAuditInserts(path: string): Promise<() => Promise<void>> {
  const client = rawClient(path);
  await client.execute("CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit write failed (test)'); END");
  return async () => {
    await client.execute("DROP TRIGGER test_audit_fails");
  };
}

describe("ApprovalStore decisions", () => {
  it("should audit an approval with the approver, how, and the note, in a verifiable chain", async () => {
    const { store } = await openTestStore();
    const id = await pending(store);
    await store.approve(id, { approver: "alice", note: "maintenance window", via: "mc approvals approve", caller: "cli" });
    const [event] = await eventsOf(store, id);
    expect(event).toMatchObject({
      tool: TOOL,
      arguments: ARGS,
      decision: "approved",
      outcome: "ok",
      caller: "cli",
      reason: "approved by alice via mc approvals approve: maintenance window",
    });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("should audit a rejection", async () => {
    const { store } = await openTestStore();
    const id = await pending(store);
    await store.reject(id, { by: "bob", caller: "mcp", clientName: "cursor", via: "the client's elicitation prompt" });
    expect(await eventsOf(store, id)).toMatchObject([
      { decision: "rejected", outcome: "denied", caller: "mcp", clientName: "cursor", reason: "rejected by bob via the client's elicitation prompt" },
    ]);
  });

  it("should leave the approval pending when its decision cannot be audited", async () => {
    const { store, path } = await openTestStore();
    const id = await pending(store);
    const repair = await breakAuditInserts(path);
    await expect(store.approve(id, { approver: "alice" })).rejects.toThrow(/insert into "audit_events"/);
    expect((await store.require(id)).status).toBe("pending");
    await repair();
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});

describe("ApprovalStore.claim with a started event", () => {
  it("should write the started event in the claim's transaction, and nothing for a refused claim", async () => {
    const { store } = await openTestStore();
    const id = await pending(store);
    await store.approve(id, { approver: "alice" });
    const claim = await store.claim({ id, tool: TOOL, arguments: ARGS, started: { caller: "mcp", clientName: "claude-desktop" } });
    expect(claim.claimed).toBe(true);
    const replay = await store.claim({ id, tool: TOOL, arguments: ARGS, started: { caller: "mcp" } });
    expect(replay).toMatchObject({ claimed: false, refusal: "already_used" });
    const events = await eventsOf(store, id);
    expect(events.map((event) => `${event.decision}/${event.outcome}`)).toStrictEqual(["approved/ok", "allowed/started"]);
    expect(events[1]).toMatchObject({ caller: "mcp", clientName: "claude-desktop", tool: TOOL, arguments: ARGS });
    expect(events[1]?.reason).toMatch(/^approved by alice; claimed by pid \d+/);
  });

  it("should not claim when the started event cannot be written", async () => {
    const { store, path } = await openTestStore();
    const id = await pending(store);
    await store.approve(id, { approver: "alice" });
    const repair = await breakAuditInserts(path);
    await expect(store.claim({ id, tool: TOOL, arguments: ARGS, started: { caller: "cli" } })).rejects.toThrow(/insert into "audit_events"/);
    expect((await store.require(id)).status).toBe("approved");
    await repair();
    // Once the journal works again, the same approval can run — once.
    expect(await store.claim({ id, tool: TOOL, arguments: ARGS, started: { caller: "cli" } })).toMatchObject({ claimed: true });
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});

describe("ApprovalStore.finalize with the final event", () => {
  it("should store the final state and event together", async () => {
    const { store } = await openTestStore();
    const id = await pending(store);
    await store.approve(id, { approver: "alice" });
    await store.claim({ id, tool: TOOL, arguments: ARGS, started: { caller: "cli" } });
    await store.finalize(
      id,
      { ok: false, error: "exit 1" },
      { caller: "cli", tool: TOOL, arguments: ARGS, decision: "allowed", outcome: "failed", error: "exit 1" },
    );
    expect((await store.require(id)).status).toBe("failed");
    expect((await eventsOf(store, id)).map((event) => event.outcome)).toStrictEqual(["ok", "started", "failed"]);
  });

  it("should store neither when the approval is not executing", async () => {
    const { store } = await openTestStore();
    const id = await pending(store);
    await expect(store.finalize(id, { ok: true }, { caller: "cli", tool: TOOL, arguments: ARGS, decision: "allowed", outcome: "ok" })).rejects.toThrow(
      /finalize/,
    );
    expect(await eventsOf(store, id)).toStrictEqual([]);
  });
});

describe("ApprovalStore expiry and recovery", () => {
  it("should audit each expiry once, with whether it had been approved", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const first = await pending(store, { unit: "a.service" });
    const second = await pending(store, { unit: "b.service" });
    await store.approve(second, { approver: "alice" });
    clock.advance(16 * 60_000);
    await store.list();
    await store.get(first);
    expect(await store.expireDue()).toBe(0);
    expect(await eventsOf(store, first)).toMatchObject([
      { decision: "expired", outcome: "denied", reason: expect.stringMatching(/^not decided before it expired/) as unknown },
    ]);
    expect((await eventsOf(store, second)).at(-1)).toMatchObject({
      decision: "expired",
      reason: expect.stringMatching(/^approved by alice but never run/) as unknown,
    });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("should audit a recovered execution as interrupted", async () => {
    const { store } = await openTestStore();
    const id = await pending(store);
    await store.approve(id, { approver: "alice" });
    await store.claim({ id, tool: TOOL, arguments: ARGS, started: { caller: "cli" } });
    expect(await store.recoverInterrupted({ isOwnerAlive: () => false })).toHaveLength(1);
    expect(await store.recoverInterrupted({ isOwnerAlive: () => false })).toHaveLength(0);
    const events = await eventsOf(store, id);
    expect(events.map((event) => `${event.decision}/${event.outcome}`)).toStrictEqual(["approved/ok", "allowed/started", "recovered/failed"]);
    expect(events[2]).toMatchObject({
      error: "interrupted",
      arguments: ARGS,
      reason: expect.stringMatching(/^the process that ran it \(pid \d+ on .+\) is gone/) as unknown,
    });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("should keep the execution and write nothing when the recovery cannot be audited", async () => {
    const { store, path } = await openTestStore();
    const id = await pending(store);
    await store.approve(id, { approver: "alice" });
    await store.claim({ id, tool: TOOL, arguments: ARGS });
    const repair = await breakAuditInserts(path);
    await expect(store.recoverInterrupted({ isOwnerAlive: () => false })).rejects.toThrow(/insert into "audit_events"/);
    expect((await store.require(id)).status).toBe("executing");
    await repair();
  });
});

describe("stored values are bounded", () => {
  it("should store a 5 MB argument as its length and sha256, growing the database by < 64 KiB", async () => {
    const { store, path } = await openTestStore();
    await store.appendAudit({ caller: "cli", tool: TOOL, arguments: {}, decision: "error", outcome: "error" });
    const size = () => statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const before = size();
    const huge = "x".repeat(5 * 1024 * 1024);
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`k${index}`, "v".repeat(100)]));
    await store.appendAudit({
      caller: "cli",
      tool: huge,
      arguments: { unit: huge, many, nested: [[[[[[[[[[huge]]]]]]]]]] },
      decision: "error",
      outcome: "error",
      error: huge,
      reason: huge,
    });
    expect(size() - before).toBeLessThan(64 * 1024);
    const [event] = await store.listAudit({ limit: 1 });
    expect(event?.arguments.unit).toStrictEqual({ length: huge.length, bytes: huge.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(Object.keys(event?.arguments.many as object)).toHaveLength(65);
    expect(event?.error?.length).toBeLessThan(2200);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("should refuse to queue arguments over the approval payload bound", async () => {
    const { store } = await openTestStore();
    await expect(store.requestApproval({ tool: TOOL, arguments: { content: "x".repeat(MAX_APPROVAL_ARGUMENTS_BYTES) }, requester: REQUESTER })).rejects.toThrow(
      InputError,
    );
    expect(await store.list()).toStrictEqual([]);
  });
});
