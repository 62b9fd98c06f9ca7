import { describe, expect, it } from "vitest";
import { snakeCaseKey, toJsonOutput } from "./json-output.js";

describe("snakeCaseKey", () => {
  it("should turn camelCase into snake_case and leave snake_case alone", () => {
    expect(["durationMs", "approvalId", "clientName", "requiresConfirmation", "expires_at", "ok", "dbURLValue", "sha256Hash"].map(snakeCaseKey)).toStrictEqual([
      "duration_ms",
      "approval_id",
      "client_name",
      "requires_confirmation",
      "expires_at",
      "ok",
      "db_url_value",
      "sha256_hash",
    ]);
  });
});

describe("toJsonOutput", () => {
  it("should rename the keys of mc's records, nested and in lists", () => {
    expect(
      toJsonOutput({ status: "ok", durationMs: 3, approval: { createdAt: "t", requester: { clientName: "x" } }, events: [{ clientName: "y" }] }),
    ).toStrictEqual({
      status: "ok",
      duration_ms: 3,
      approval: { created_at: "t", requester: { client_name: "x" } },
      events: [{ client_name: "y" }],
    });
  });

  it("should leave a tool's output and arguments, JSON Schemas, annotations and details exactly as they are", () => {
    const output = { ActiveState: "active", nested: { someKey: 1 } };
    const schema = { type: "object", additionalProperties: false };
    const value = { output, arguments: { fooBar: 1 }, inputSchema: schema, annotations: { readOnlyHint: true }, details: { cpuCount: 2 } };
    expect(toJsonOutput(value)).toStrictEqual({
      output,
      arguments: { fooBar: 1 },
      input_schema: schema,
      annotations: { readOnlyHint: true },
      details: { cpuCount: 2 },
    });
  });
});
