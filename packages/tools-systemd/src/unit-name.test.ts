import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { isUnitName } from "@mc/core";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

describe("unitNameSchema", () => {
  it("should accept unit names of every known type", () => {
    const names = [
      "nginx.service",
      "getty@tty1.service",
      "sys-devices-virtual-net-lo.device",
      "dev-sda2.swap",
      "system.slice",
      "run-user-1000.mount",
      "app_1:2.socket",
      "multi-user.target",
      "fstrim.timer",
      "proc-sys-fs-binfmt_misc.automount",
      "session-4.scope",
      "systemd-ask-password-console.path",
    ];
    for (const name of names) {
      expect(v.safeParse(unitNameSchema, name).success, name).toBe(true);
      expect(isUnitName(name), name).toBe(true);
    }
  });

  it("should refuse names without a known suffix, with a leading dash, or too long", () => {
    for (const name of ["nginx", "nginx.conf", ".service", "-x.service", `${"a".repeat(249)}.service`]) {
      expect(v.safeParse(unitNameSchema, name).success, name).toBe(false);
      expect(isUnitName(name), name).toBe(false);
    }
  });
});

describe("scopeSchema", () => {
  it("should default to system and accept user only besides it", () => {
    expect(v.parse(scopeSchema, undefined)).toBe("system");
    expect(v.parse(scopeSchema, "user")).toBe("user");
    expect(v.safeParse(scopeSchema, "global").success).toBe(false);
  });
});
