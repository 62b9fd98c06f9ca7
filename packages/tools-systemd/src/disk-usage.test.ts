import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCommandRunner, InputError } from "@mc/core";
import { describe, expect, it, onTestFinished } from "vitest";
import { diskUsageTool } from "./disk-usage.js";
import { callTool, contextFor } from "./test-kit.js";

describe("diskUsageTool", () => {
  it("should match what df reports for the same path", async () => {
    const directory = await mkdtemp(join(tmpdir(), "mc-disk-usage-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const { context, calls } = contextFor();
    const usage = await callTool(diskUsageTool, { path: directory }, context);
    expect(calls).toStrictEqual([]);
    const df = await createCommandRunner().run("df", ["-B1", "--output=size,avail,itotal", directory], { timeoutMs: 3_000 });
    const [size, available, inodes] = (df.stdout.trim().split("\n")[1] ?? "").trim().split(/\s+/).map(Number);
    expect(usage.path).toBe(directory);
    expect(usage.total_bytes).toBe(size);
    expect(usage.inodes_total).toBe(inodes);
    // Free space moves while the test runs; it must agree with df to within 1%.
    expect(Math.abs(usage.available_bytes - (available ?? 0))).toBeLessThan((size ?? 0) / 100);
    expect(usage.used_bytes).toBe(usage.total_bytes - usage.free_bytes);
    expect(usage.used_percent).toBeGreaterThanOrEqual(0);
    expect(usage.used_percent).toBeLessThanOrEqual(100);
  });

  it("should default to the root filesystem", async () => {
    const { context } = contextFor();
    const usage = await callTool(diskUsageTool, {}, context);
    expect(usage.path).toBe("/");
    expect(usage.total_bytes).toBeGreaterThan(0);
  });

  it.each([
    ["a newline", "/tmp\n/x"],
    ["an escape", "/tmp/\u001b[2J"],
    ["DEL", "/tmp\u007f"],
    ["a C1 control", "/tmp/\u009b31m"],
    ["a right-to-left override", "/\u202Epmt"],
    ["a directional isolate", "/tmp\u2066"],
    ["a right-to-left mark", "/tmp\u200F"],
    ["an Arabic letter mark", "/tmp\u061C"],
  ])("should refuse a path with %s as an input error, before statfs", async (_name, path) => {
    const { context, calls } = contextFor();
    const error = await callTool(diskUsageTool, { path }, context).catch((caught: unknown) => caught);
    expect(InputError.isInstance(error)).toBe(true);
    expect((error as InputError).issues).toStrictEqual([{ path: "path", message: "must not contain control characters or bidi/direction marks" }]);
    expect(calls).toStrictEqual([]);
  });

  it("should refuse a path that does not exist with an input error naming path", async () => {
    const { context, calls } = contextFor();
    const error = await callTool(diskUsageTool, { path: "/mc-no-such-directory/x" }, context).catch((caught: unknown) => caught);
    expect(InputError.isInstance(error)).toBe(true);
    expect((error as InputError).issues).toStrictEqual([{ path: "path", message: "/mc-no-such-directory/x does not exist" }]);
    expect(calls).toStrictEqual([]);
  });
});
