import { execa } from "execa";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { currentOwner, isOwnerAlive, processStartTime } from "./executor-owner.js";

describe("currentOwner", () => {
  it("should name this host, this pid and its /proc start time", () => {
    const owner = currentOwner();
    expect(owner.host).toBe(hostname());
    expect(owner.pid).toBe(process.pid);
    expect(owner.startTime).toMatch(/^\d+$/);
  });
});

describe("isOwnerAlive", () => {
  it("should be true for this process", () => {
    expect(isOwnerAlive(currentOwner())).toBe(true);
  });

  it("should be false for the same pid with another start time (a recycled pid)", () => {
    expect(isOwnerAlive({ ...currentOwner(), startTime: "1" })).toBe(false);
  });

  it("should be false for a process that exited", async () => {
    const child = execa(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    const pid = child.pid ?? 0;
    const startTime = processStartTime(pid) ?? "";
    expect(isOwnerAlive({ host: hostname(), pid, startTime })).toBe(true);
    child.kill("SIGKILL");
    await child.catch(() => undefined);
    expect(isOwnerAlive({ host: hostname(), pid, startTime })).toBe(false);
  });
});
