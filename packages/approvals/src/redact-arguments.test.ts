import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redactArguments } from "./redact-arguments.js";

describe("redactArguments", () => {
  it("should redact values of secret-looking keys at any depth", () => {
    expect(
      redactArguments({
        unit: "app.service",
        password: "hunter2",
        Pass: "x",
        db: { apiKey: "k", api_key: "k", "api-key": "k", token: "t", nested: [{ client_secret: "s" }] },
        credentials: ["a"],
        private_key: "-----BEGIN",
      }),
    ).toStrictEqual({
      unit: "app.service",
      password: "[redacted]",
      Pass: "[redacted]",
      db: { apiKey: "[redacted]", api_key: "[redacted]", "api-key": "[redacted]", token: "[redacted]", nested: [{ client_secret: "[redacted]" }] },
      credentials: "[redacted]",
      private_key: "[redacted]",
    });
  });

  it("should replace a content argument by its sha256 and byte size", () => {
    const content = "[main]\nname = café\n";
    expect(redactArguments({ path: "/etc/app.ini", content })).toStrictEqual({
      path: "/etc/app.ini",
      content: { sha256: createHash("sha256").update(content).digest("hex"), bytes: Buffer.byteLength(content) },
    });
  });

  it("should not change its input", () => {
    const input = { token: "t", nested: { password: "p" } };
    redactArguments(input);
    expect(input).toStrictEqual({ token: "t", nested: { password: "p" } });
  });
});
