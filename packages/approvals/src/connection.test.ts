import { describe, expect, it } from "vitest";
import { isBusyError } from "./connection.js";
import { ApprovalError } from "./errors/approval-error.js";
import { openStore } from "./open-store.js";
import { rawClient, tempDirectory } from "./test-support.js";
import { join } from "node:path";

const REQUEST = { tool: "restart_service", arguments: { unit: "a.service" }, requester: { caller: "cli" as const, clientName: null } };

describe("Connection.run", () => {
  it("should reconnect and rerun an operation that met SQLITE_BUSY, once the lock is released", async () => {
    const path = join(tempDirectory(), "mc.sqlite3");
    const busy: { attempt: number; retrying: boolean }[] = [];
    const store = await openStore({ path, busyTimeoutMs: 50, maxAttempts: 20, onBusy: ({ attempt, retrying }) => busy.push({ attempt, retrying }) });
    const holder = await rawClient(path).transaction("write");
    // Released between attempts: the busy wait itself blocks the thread, the retry pause does not.
    setTimeout(() => void holder.rollback(), 10);
    const result = await store.requestApproval(REQUEST);
    expect(result.created).toBe(true);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy[0]).toStrictEqual({ attempt: 1, retrying: true });
    expect(await store.list()).toHaveLength(1);
    store.close();
  });

  it("should give up with a store_failed ApprovalError when the database stays locked", async () => {
    const path = join(tempDirectory(), "mc.sqlite3");
    const store = await openStore({ path, busyTimeoutMs: 20, maxAttempts: 3 });
    const holder = await rawClient(path).transaction("write");
    const error = await store.requestApproval(REQUEST).catch((caught: unknown) => caught);
    await holder.rollback();
    expect(ApprovalError.isInstance(error) && error.code).toBe("store_failed");
    expect((error as Error).message).toMatch(/stayed locked by other processes through 3 attempts/);
    expect(isBusyError((error as Error).cause)).toBe(true);
    expect(await store.list()).toStrictEqual([]);
    store.close();
  });
});

describe("isBusyError", () => {
  it("should find SQLITE_BUSY anywhere in a cause chain and nothing else", () => {
    expect(isBusyError(new Error("Failed query", { cause: Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }) }))).toBe(true);
    expect(isBusyError({ code: "SQLITE_CONSTRAINT", extendedCode: "SQLITE_BUSY_SNAPSHOT" })).toBe(true);
    expect(isBusyError({ rawCode: 517 })).toBe(true);
    expect(isBusyError(Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT" }))).toBe(false);
    expect(isBusyError(undefined)).toBe(false);
  });
});
