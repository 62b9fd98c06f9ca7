import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { identifyingArguments, requestHash } from "./request-hash.js";

describe("requestHash", () => {
  it("should be sha256 of the tool and canonical arguments", () => {
    const expected = createHash("sha256").update('{"arguments":{"scope":"system","unit":"nginx.service"},"tool":"restart_service"}').digest("hex");
    expect(requestHash("restart_service", { unit: "nginx.service", scope: "system" })).toBe(expected);
  });

  it("should ignore approval_id and key order", () => {
    expect(requestHash("t", { b: 1, a: 2, approval_id: "apr_x" })).toBe(requestHash("t", { a: 2, b: 1 }));
  });

  it("should differ for another tool or other arguments", () => {
    const base = requestHash("reload_service", { unit: "a.service" });
    expect(requestHash("restart_service", { unit: "a.service" })).not.toBe(base);
    expect(requestHash("reload_service", { unit: "b.service" })).not.toBe(base);
  });

  it("should drop only approval_id from the identifying arguments", () => {
    expect(identifyingArguments({ approval_id: "apr_x", unit: "a" })).toStrictEqual({ unit: "a" });
  });
});
