import { describe, expect, it } from "vitest";
import { CommandTimeoutError, DeniedError, InputError, McError, ToolFailureError } from "./mc-error.js";

describe("McError subclasses", () => {
  it("should carry a stable code and structured data", () => {
    const denied = new DeniedError("unit_not_allowed", "restart_service may not act on sshd.service", { unit: "sshd.service" });
    expect(denied.code).toBe("denied");
    expect(denied.data).toStrictEqual({ unit: "sshd.service", denial: "unit_not_allowed" });
    expect(new CommandTimeoutError(["sleep", "9"], 300).data).toStrictEqual({ argv: ["sleep", "9"], timeout_ms: 300 });
  });

  it("should recognise each class with isInstance and keep them apart", () => {
    const errors = [new InputError("bad"), new DeniedError("tool_disabled", "off"), new ToolFailureError("failed"), new CommandTimeoutError([], 1)];
    expect(errors.map((error) => McError.isInstance(error))).toStrictEqual([true, true, true, true]);
    expect(errors.map((error) => InputError.isInstance(error))).toStrictEqual([true, false, false, false]);
    expect(errors.map((error) => DeniedError.isInstance(error))).toStrictEqual([false, true, false, false]);
    expect(errors.map((error) => ToolFailureError.isInstance(error))).toStrictEqual([false, false, true, false]);
    expect(errors.map((error) => CommandTimeoutError.isInstance(error))).toStrictEqual([false, false, false, true]);
  });

  it("should not take an mc error that only claims the denied code for a DeniedError", () => {
    const claimed = new McError("denied", "no", { data: { denial: { code: "tool_disabled" } } });
    expect(McError.isInstance(claimed)).toBe(true);
    expect(DeniedError.isInstance(claimed)).toBe(false);
  });

  it("should not take a plain error with a code for an mc error", () => {
    const plain = Object.assign(new Error("EACCES"), { code: "EACCES", data: {} });
    expect(McError.isInstance(plain)).toBe(false);
    expect(McError.isInstance("denied")).toBe(false);
  });

  it("should keep the cause", () => {
    const cause = new Error("root");
    expect(new ToolFailureError("wrapped", { cause }).cause).toBe(cause);
  });
});
