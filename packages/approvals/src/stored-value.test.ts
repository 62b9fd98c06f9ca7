import { canonicalJson, InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { backendUnavailable, BACKENDS, testDatabase } from "./test-support.js";
import type { Backend } from "./test-support.js";
import { boundedArguments, boundedArgumentsJson, boundedText, storedText } from "./stored-value.js";

// Text from outside may hold NUL. libSQL's binding cut a string at its first NUL (a client named
// `nginx\0evil` was audited as `nginx`, and the chain no longer verified); PostgreSQL refuses NUL
// in text. Both stores record NUL as the visible `\u0000`, so what was said is never cut or lost.
const EVIL = "nginx\u0000evil";
const SHOWN = "nginx\\u0000evil";

describe("boundedArgumentsJson", () => {
  it("should be the canonical JSON of the bounded arguments, serialized once, for small, cut and digested arguments", () => {
    const cases: Record<string, unknown>[] = [
      {},
      { unit: "nginx.service", scope: "system" },
      { z: 1, a: [1, "two", { c: null, b: true }] },
      { content: "x".repeat(5000) },
      { many: Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`k${index}`, index])) },
      // Over 16 KiB even after each string is bounded: stored as a digest of the whole.
      { big: Array.from({ length: 64 }, (_, index) => Object.fromEntries(Array.from({ length: 64 }, (__, key) => [`k${key}`, `${index}-${key}`]))) },
    ];
    for (const args of cases) {
      expect(boundedArgumentsJson(args)).toBe(canonicalJson(boundedArguments(args)));
    }
    expect(JSON.parse(boundedArgumentsJson(cases[5] as Record<string, unknown>))).toMatchObject({ truncated: true });
  });
});

describe("storedText", () => {
  it("should write each NUL as \\u0000 and leave other text alone", () => {
    expect(storedText(EVIL)).toBe(SHOWN);
    expect(storedText("\u0000a\u0000")).toBe("\\u0000a\\u0000");
    expect(storedText("nginx")).toBe("nginx");
    expect(storedText(storedText(EVIL))).toBe(SHOWN);
  });

  it("should escape before cutting a long text, and digest the text as given", () => {
    const long = `${"\u0000".repeat(10)}${"x".repeat(3000)}`;
    const bounded = boundedText(long, 100);
    expect(bounded.startsWith("\\u0000".repeat(10))).toBe(true);
    expect(bounded).not.toContain("\u0000");
    expect(bounded).toMatch(/… \[3010 characters, sha256 [0-9a-f]{64}\]$/);
  });
});

describe.each(BACKENDS)("NUL in text on the %s store", (backend: Backend) => {
  describe.skipIf(backendUnavailable(backend) !== undefined)("the store", () => {
    it("should record a client name, reason and error with NUL distinguishably, and the chain should verify", async () => {
      const database = await testDatabase(backend);
      const store = await database.open();
      const evil = await store.appendAudit({
        caller: "mcp",
        clientName: EVIL,
        tool: "service_status",
        arguments: { unit: "a\u0000b.service", ["k\u0000ey"]: 1 },
        decision: "allowed",
        reason: "because\u0000hidden",
        outcome: "failed",
        error: "boom\u0000hidden",
      });
      const plain = await store.appendAudit({ caller: "mcp", clientName: "nginx", tool: "service_status", arguments: {}, decision: "allowed", outcome: "ok" });
      expect(evil).toMatchObject({ clientName: SHOWN, reason: "because\\u0000hidden", error: "boom\\u0000hidden" });
      // Arguments are JSON, which carries NUL exactly.
      expect(evil.arguments).toStrictEqual({ unit: "a\u0000b.service", ["k\u0000ey"]: 1 });
      const listed = await store.listAudit({});
      expect(listed.map((event) => event.clientName).sort()).toStrictEqual(["nginx", SHOWN]);
      expect(listed.find((event) => event.seq === evil.seq)).toStrictEqual(evil);
      expect(listed.find((event) => event.seq === plain.seq)?.clientName).toBe("nginx");
      const rows = await database.raw("SELECT client_name, reason, error FROM audit_events ORDER BY seq");
      expect(rows.map((row) => [row.client_name, row.reason, row.error])).toStrictEqual([
        [SHOWN, "because\\u0000hidden", "boom\\u0000hidden"],
        ["nginx", null, null],
      ]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 2, problems: [] });
    });

    it("should keep a requester, decider and note with NUL apart from those without, in the approval and its events", async () => {
      const database = await testDatabase(backend);
      const store = await database.open();
      const arguments_ = { unit: "nginx.service", scope: "system" };
      const { approval } = await store.requestApproval({ tool: "restart_service", arguments: arguments_, requester: { caller: "mcp", clientName: EVIL } });
      expect(approval.requester).toStrictEqual({ caller: "mcp", clientName: SHOWN });
      const rejected = await store.reject(approval.id, { by: "bob\u0000by", note: "no\u0000te", clientName: EVIL });
      expect(rejected).toMatchObject({ decidedBy: "bob\\u0000by", decisionNote: "no\\u0000te", requester: { caller: "mcp", clientName: SHOWN } });
      expect(await store.get(approval.id)).toStrictEqual(rejected);
      const events = await store.listAudit({});
      expect(events.length).toBeGreaterThanOrEqual(1);
      for (const event of events) {
        expect(event.clientName).toBe(SHOWN);
        expect(`${event.reason ?? ""}${event.error ?? ""}`).not.toContain("\u0000");
      }
      expect(events.some((event) => event.reason?.includes("bob\\u0000by: no\\u0000te"))).toBe(true);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, problems: [] });
    });

    it("should refuse a tool name with NUL rather than queue a changed one", async () => {
      const store = await (await testDatabase(backend)).open();
      await expect(store.requestApproval({ tool: "restart_service\u0000x", arguments: {}, requester: { caller: "mcp", clientName: null } })).rejects.toThrow(
        InputError,
      );
      expect(await store.list()).toStrictEqual([]);
    });
  });
});
