import { hostname } from "node:os";
import { InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { openTestStore, testClock } from "./test-support.js";
import type { ApprovalStore } from "./approval-store.js";
import { ApprovalError } from "./errors/approval-error.js";
import { currentOwner } from "./executor-owner.js";
import { requestHash } from "./request-hash.js";

const TOOL = "restart_service";
const ARGS = { unit: "nginx.service", scope: "system" };
const MCP_CLIENT = { caller: "mcp" as const, clientName: "claude-desktop" };

async function approved(store: ApprovalStore, args: Record<string, unknown> = ARGS): Promise<string> {
  const { approval } = await store.requestApproval({ tool: TOOL, arguments: args, requester: MCP_CLIENT });
  await store.approve(approval.id, { approver: "alice" });
  return approval.id;
}

describe("ApprovalStore.requestApproval", () => {
  it("should create a pending approval with its identity, requester and expiry", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const result = await store.requestApproval({ tool: TOOL, arguments: { ...ARGS, approval_id: "ignored" }, requester: MCP_CLIENT, ttlMs: 60_000 });
    expect(result.created).toBe(true);
    expect(result.approval).toStrictEqual({
      id: result.approval.id,
      host: hostname(),
      tool: TOOL,
      arguments: ARGS,
      requestHash: requestHash(TOOL, ARGS),
      requester: MCP_CLIENT,
      status: "pending",
      createdAt: "2026-11-25T12:00:00.000Z",
      expiresAt: "2026-11-25T12:01:00.000Z",
      decidedAt: null,
      decidedBy: null,
      decisionNote: null,
      executor: null,
      claimedAt: null,
      leaseExpiresAt: null,
      finishedAt: null,
      error: null,
    });
    expect(await store.get(result.approval.id)).toStrictEqual(result.approval);
  });

  it("should return the identical pending request instead of a duplicate", async () => {
    const { store } = await openTestStore();
    const first = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT });
    const second = await store.requestApproval({
      tool: TOOL,
      arguments: { scope: "system", unit: "nginx.service" },
      requester: { caller: "cli", clientName: null },
    });
    expect(second.created).toBe(false);
    expect(second.approval.id).toBe(first.approval.id);
    expect(await store.list()).toHaveLength(1);
  });

  it("should return an identical approved request too, but not a used one", async () => {
    const { store } = await openTestStore();
    const id = await approved(store);
    const again = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT });
    expect(again).toMatchObject({ created: false, approval: { id, status: "approved" } });
    await store.claim({ id, tool: TOOL, arguments: ARGS });
    const fresh = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT });
    expect(fresh.created).toBe(true);
    expect(fresh.approval.id).not.toBe(id);
  });

  it("should create a new request once the identical one expired", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const first = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT, ttlMs: 1000 });
    clock.advance(1000);
    const second = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT, ttlMs: 1000 });
    expect(second.created).toBe(true);
    expect((await store.get(first.approval.id))?.status).toBe("expired");
  });

  it("should refuse a malformed request, naming every problem", async () => {
    const { store } = await openTestStore();
    const attempt = store.requestApproval({
      tool: "",
      arguments: { limit: Number.POSITIVE_INFINITY },
      requester: { caller: "telnet" as "cli", clientName: null },
      ttlMs: 0,
    });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(/tool .*requester\.caller .*ttlMs/);
    await expect(store.requestApproval({ tool: TOOL, arguments: { at: new Date() }, requester: MCP_CLIENT })).rejects.toThrow(/argument at/);
    expect(await store.list()).toStrictEqual([]);
  });
});

describe("ApprovalStore.approve and reject", () => {
  it("should approve a pending approval, recording who, when and why", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const { approval } = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT });
    clock.advance(5000);
    const decided = await store.approve(approval.id, { approver: "alice", note: "maintenance window" });
    expect(decided).toMatchObject({ status: "approved", decidedBy: "alice", decisionNote: "maintenance window", decidedAt: "2026-11-25T12:00:05.000Z" });
  });

  it("should reject a pending approval, and then refuse to approve it", async () => {
    const { store } = await openTestStore();
    const { approval } = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT });
    expect(await store.reject(approval.id, { by: "bob", note: "not now" })).toMatchObject({ status: "rejected", decidedBy: "bob" });
    const error = await store.approve(approval.id, { approver: "alice" }).catch((caught: unknown) => caught);
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "approval_state", data: { approvalId: approval.id, status: "rejected", expected: ["pending"], action: "approve" } });
  });

  it("should refuse every decision that does not start from pending", async () => {
    const { store } = await openTestStore();
    const id = await approved(store);
    await expect(store.approve(id, { approver: "alice" })).rejects.toMatchObject({ code: "approval_state" });
    await expect(store.reject(id, { by: "bob" })).rejects.toThrow(/it is approved/);
    await store.claim({ id, tool: TOOL, arguments: ARGS });
    await expect(store.approve(id, { approver: "alice" })).rejects.toThrow(/it is executing/);
    await store.finalize(id, { ok: true });
    await expect(store.reject(id, { by: "bob" })).rejects.toThrow(/it is completed/);
  });

  it("should say an unknown id is unknown", async () => {
    const { store } = await openTestStore();
    await expect(store.approve("apr_0000000000000000", { approver: "alice" })).rejects.toMatchObject({ code: "approval_not_found" });
    await expect(store.reject("apr_0000000000000000", { by: "bob" })).rejects.toThrow(/No approval has the id "apr_0000000000000000"/);
    await expect(store.require("apr_0000000000000000")).rejects.toMatchObject({ code: "approval_not_found" });
    expect(await store.get("apr_0000000000000000")).toBeUndefined();
  });

  it("should refuse to approve or reject an expired approval", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const { approval } = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT, ttlMs: 60_000 });
    clock.advance(60_000);
    await expect(store.approve(approval.id, { approver: "alice" })).rejects.toMatchObject({
      code: "approval_expired",
      data: { approvalId: approval.id, expiresAt: "2026-11-25T12:01:00.000Z" },
    });
    await expect(store.reject(approval.id, { by: "bob" })).rejects.toThrow(/expired at 2026-11-25T12:01:00.000Z/);
    expect((await store.require(approval.id)).status).toBe("expired");
  });

  it("should refuse an empty approver name", async () => {
    const { store } = await openTestStore();
    const { approval } = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT });
    await expect(store.approve(approval.id, { approver: " " })).rejects.toThrow(InputError);
    expect((await store.require(approval.id)).status).toBe("pending");
  });
});

describe("ApprovalStore.claim", () => {
  it("should claim by id from a different requester context than the one that asked, exactly once", async () => {
    // Prototype defect 1: claims matched the whole audit context, so a call repeated from
    // another client missed, and the approved row stayed around to be replayed later.
    const { store } = await openTestStore();
    const { approval } = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: { caller: "mcp", clientName: "claude-desktop" } });
    await store.approve(approval.id, { approver: "alice" });
    const owner = { host: "elsewhere", pid: 4242, startTime: "99" };
    const claimed = await store.claim({ id: approval.id, tool: TOOL, arguments: { scope: "system", unit: "nginx.service", approval_id: approval.id }, owner });
    expect(claimed).toMatchObject({ claimed: true, approval: { id: approval.id, status: "executing", executor: owner } });
    await store.finalize(approval.id, { ok: true });
    const replay = await store.claim({ id: approval.id, tool: TOOL, arguments: ARGS });
    expect(replay).toStrictEqual({
      claimed: false,
      refusal: "already_used",
      message: `Approval ${approval.id} was already used; an approval runs its call once.`,
    });
  });

  it("should record the owner, claim time and lease", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const id = await approved(store);
    const result = await store.claim({ id, tool: TOOL, arguments: ARGS, leaseMs: 30_000 });
    expect(result).toMatchObject({
      claimed: true,
      approval: { executor: currentOwner(), claimedAt: "2026-11-25T12:00:00.000Z", leaseExpiresAt: "2026-11-25T12:00:30.000Z" },
    });
  });

  it("should refuse with the reason for every state that cannot be claimed", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    expect(await store.claim({ id: "apr_nope", tool: TOOL, arguments: ARGS })).toMatchObject({ claimed: false, refusal: "unknown_id" });

    const pending = (await store.requestApproval({ tool: TOOL, arguments: { unit: "a.service" }, requester: MCP_CLIENT })).approval.id;
    expect(await store.claim({ id: pending, tool: TOOL, arguments: { unit: "a.service" } })).toMatchObject({
      claimed: false,
      refusal: "not_approved",
      message: `Approval ${pending} is still pending; a human has to run \`mc approvals approve ${pending}\` first.`,
    });

    const rejected = (await store.requestApproval({ tool: TOOL, arguments: { unit: "b.service" }, requester: MCP_CLIENT })).approval.id;
    await store.reject(rejected, { by: "bob" });
    expect(await store.claim({ id: rejected, tool: TOOL, arguments: { unit: "b.service" } })).toMatchObject({ claimed: false, refusal: "rejected" });

    const id = await approved(store);
    expect(await store.claim({ id, tool: TOOL, arguments: { ...ARGS, unit: "sshd.service" } })).toMatchObject({
      claimed: false,
      refusal: "hash_mismatch",
      message: `Approval ${id} was granted for ${TOOL} with different arguments; repeat exactly the approved call.`,
    });
    expect(await store.claim({ id, tool: "reload_service", arguments: ARGS })).toMatchObject({
      claimed: false,
      refusal: "hash_mismatch",
      message: `Approval ${id} was granted for ${TOOL}, not reload_service.`,
    });
    expect((await store.require(id)).status).toBe("approved");

    clock.advance(15 * 60 * 1000);
    expect(await store.claim({ id, tool: TOOL, arguments: ARGS })).toMatchObject({ claimed: false, refusal: "expired" });
    expect((await store.require(id)).status).toBe("expired");
  });

  it("should refuse an approved request at the instant it expires", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const { approval } = await store.requestApproval({ tool: TOOL, arguments: ARGS, requester: MCP_CLIENT, ttlMs: 10_000 });
    await store.approve(approval.id, { approver: "alice" });
    clock.advance(9_999);
    clock.advance(1);
    expect(await store.claim({ id: approval.id, tool: TOOL, arguments: ARGS })).toMatchObject({ claimed: false, refusal: "expired" });
  });
});

describe("ApprovalStore.finalize", () => {
  it("should end an execution completed or failed with its error", async () => {
    const { store } = await openTestStore();
    const first = await approved(store, { unit: "a.service" });
    const second = await approved(store, { unit: "b.service" });
    await store.claim({ id: first, tool: TOOL, arguments: { unit: "a.service" } });
    await store.claim({ id: second, tool: TOOL, arguments: { unit: "b.service" } });
    expect(await store.finalize(first, { ok: true })).toMatchObject({ status: "completed", error: null });
    expect(await store.finalize(second, { ok: false, error: "TypeError: boom" })).toMatchObject({ status: "failed", error: "TypeError: boom" });
    expect(await store.list({ status: "executing" })).toStrictEqual([]);
  });

  it("should end an execution whatever the tool throws when called in a finally", async () => {
    // Prototype defect 2: a non-typed exception left the approval stuck in executing.
    const { store } = await openTestStore();
    const id = await approved(store);
    const claim = await store.claim({ id, tool: TOOL, arguments: ARGS });
    expect(claim.claimed).toBe(true);
    const run = async (): Promise<void> => {
      let ok = false;
      let message: string | undefined;
      try {
        JSON.parse("{");
        ok = true;
      } catch (error) {
        message = String(error);
        throw error;
      } finally {
        await store.finalize(id, { ok, ...(message === undefined ? {} : { error: message }) });
      }
    };
    await expect(run()).rejects.toThrow(SyntaxError);
    expect(await store.require(id)).toMatchObject({ status: "failed", error: expect.stringMatching(/^SyntaxError/) });
  });

  it("should refuse to finalize anything that is not executing", async () => {
    const { store } = await openTestStore();
    const id = await approved(store);
    await expect(store.finalize(id, { ok: true })).rejects.toThrow(/Cannot finalize approval .*: it is approved, and only executing/);
    await expect(store.finalize("apr_unknown", { ok: true })).rejects.toMatchObject({ code: "approval_not_found" });
    await store.claim({ id, tool: TOOL, arguments: ARGS });
    await store.finalize(id, { ok: true });
    await expect(store.finalize(id, { ok: false, error: "late" })).rejects.toMatchObject({ code: "approval_state" });
    expect((await store.require(id)).status).toBe("completed");
  });
});

describe("ApprovalStore.expireDue", () => {
  it("should expire due pending and approved rows and nothing else", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const pending = (await store.requestApproval({ tool: TOOL, arguments: { unit: "a.service" }, requester: MCP_CLIENT, ttlMs: 1000 })).approval.id;
    const approvedId = (await store.requestApproval({ tool: TOOL, arguments: { unit: "b.service" }, requester: MCP_CLIENT, ttlMs: 1000 })).approval.id;
    await store.approve(approvedId, { approver: "alice" });
    const executing = (await store.requestApproval({ tool: TOOL, arguments: { unit: "c.service" }, requester: MCP_CLIENT, ttlMs: 1000 })).approval.id;
    await store.approve(executing, { approver: "alice" });
    await store.claim({ id: executing, tool: TOOL, arguments: { unit: "c.service" } });
    const later = (await store.requestApproval({ tool: TOOL, arguments: { unit: "d.service" }, requester: MCP_CLIENT, ttlMs: 5000 })).approval.id;
    clock.advance(999);
    expect(await store.expireDue()).toBe(0);
    clock.advance(1);
    expect(await store.expireDue()).toBe(2);
    expect((await store.list()).map((approval) => [approval.id, approval.status]).sort()).toStrictEqual(
      [
        [pending, "expired"],
        [approvedId, "expired"],
        [executing, "executing"],
        [later, "pending"],
      ].sort(),
    );
  });
});

describe("ApprovalStore.list", () => {
  it("should list newest first, filter by state and honour the limit", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const ids: string[] = [];
    for (const unit of ["a", "b", "c"]) {
      ids.push((await store.requestApproval({ tool: TOOL, arguments: { unit: `${unit}.service` }, requester: MCP_CLIENT })).approval.id);
      clock.advance(1000);
    }
    await store.approve(ids[1] ?? "", { approver: "alice" });
    expect((await store.list()).map((approval) => approval.id)).toStrictEqual([...ids].reverse());
    expect((await store.list({ status: "approved" })).map((approval) => approval.id)).toStrictEqual([ids[1]]);
    expect(await store.list({ limit: 1 })).toHaveLength(1);
    await expect(store.list({ limit: 0 })).rejects.toThrow(InputError);
    await expect(store.list({ status: "done" as "pending" })).rejects.toThrow(/Unknown approval status "done"/);
  });
});

describe("ApprovalStore.recoverInterrupted", () => {
  it("should fail executing rows whose owner is gone, keep live ones, and never re-run them", async () => {
    const clock = testClock();
    const { store } = await openTestStore(clock.now);
    const dead = await approved(store, { unit: "dead.service" });
    const alive = await approved(store, { unit: "alive.service" });
    const remoteExpired = await approved(store, { unit: "remote1.service" });
    const remoteLive = await approved(store, { unit: "remote2.service" });
    const here = currentOwner();
    await store.claim({ id: dead, tool: TOOL, arguments: { unit: "dead.service" }, owner: { ...here, pid: 999_999 } });
    await store.claim({ id: alive, tool: TOOL, arguments: { unit: "alive.service" } });
    await store.claim({
      id: remoteExpired,
      tool: TOOL,
      arguments: { unit: "remote1.service" },
      owner: { host: "other", pid: 1, startTime: "1" },
      leaseMs: 1000,
    });
    clock.advance(1000);
    await store.claim({ id: remoteLive, tool: TOOL, arguments: { unit: "remote2.service" }, owner: { host: "other", pid: 1, startTime: "1" }, leaseMs: 1000 });

    const recovered = await store.recoverInterrupted({ isOwnerAlive: (owner) => owner.pid === here.pid });
    expect(recovered.map((approval) => approval.id).sort()).toStrictEqual([dead, remoteExpired].sort());
    expect(recovered.every((approval) => approval.status === "failed" && approval.error === "interrupted")).toBe(true);
    expect((await store.require(alive)).status).toBe("executing");
    expect((await store.require(remoteLive)).status).toBe("executing");
    expect(await store.claim({ id: dead, tool: TOOL, arguments: { unit: "dead.service" } })).toMatchObject({ claimed: false, refusal: "already_used" });
    expect(await store.recoverInterrupted({ isOwnerAlive: () => true })).toStrictEqual([]);
  });

  it("should judge owners on this host by pid and start time by default", async () => {
    const { store } = await openTestStore();
    const mine = await approved(store, { unit: "mine.service" });
    const recycled = await approved(store, { unit: "recycled.service" });
    await store.claim({ id: mine, tool: TOOL, arguments: { unit: "mine.service" } });
    await store.claim({ id: recycled, tool: TOOL, arguments: { unit: "recycled.service" }, owner: { ...currentOwner(), startTime: "1" } });
    const recovered = await store.recoverInterrupted();
    expect(recovered.map((approval) => approval.id)).toStrictEqual([recycled]);
    expect((await store.require(mine)).status).toBe("executing");
  });
});

describe("ApprovalStore within one process", () => {
  it("should run concurrent calls on two stores of one database without lock waits or double claims", async () => {
    const { store, path } = await openTestStore();
    const { openStore } = await import("./open-store.js");
    // A second store that gives up at the first lock wait: a wait inside one process would
    // block the event loop, so operations must never wait on each other through SQLite.
    const other = await openStore({ path, busyTimeoutMs: 100, maxAttempts: 1 });
    const ids = await Promise.all(["a", "b", "c", "d"].map((unit) => approved(store, { unit: `${unit}.service` })));
    const results = await Promise.all(
      ids.flatMap((id, index) =>
        [store, other, store, other].map((each) => each.claim({ id, tool: TOOL, arguments: { unit: `${["a", "b", "c", "d"][index]}.service` } })),
      ),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? store : other).appendAudit({ caller: "embedded", tool: TOOL, arguments: {}, decision: "allowed", outcome: "ok" }),
      ),
    );
    other.close();
    expect(results.filter((result) => result.claimed)).toHaveLength(ids.length);
    // 20 appended events and the 4 approvals' own events.
    expect(await store.verifyAudit()).toStrictEqual({ ok: true, checked: 24, problems: [] });
  });
});
