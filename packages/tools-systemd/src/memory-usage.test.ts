import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { memoryUsageTool, parseMeminfo } from "./memory-usage.js";
import { callTool, contextFor } from "./test-kit.js";

describe("memoryUsageTool", () => {
  it("should report this host's memory in bytes", async () => {
    const { context, calls } = contextFor();
    const memory = await callTool(memoryUsageTool, {}, context);
    const fields = parseMeminfo(await readFile("/proc/meminfo", "utf8"));
    expect(memory.total_bytes).toBe(fields.get("MemTotal"));
    expect(memory.swap_total_bytes).toBe(fields.get("SwapTotal"));
    expect(memory.used_bytes).toBe(memory.total_bytes - memory.available_bytes);
    expect(memory.used_percent).toBeGreaterThan(0);
    expect(memory.used_percent).toBeLessThanOrEqual(100);
    expect(calls).toStrictEqual([]);
  });
});

describe("parseMeminfo", () => {
  it("should turn kB into bytes and keep unit-less counts", () => {
    const fields = parseMeminfo("MemTotal:       2048 kB\nHugePages_Total:       4\nActive(anon):   1 kB\n");
    expect([...fields]).toStrictEqual([
      ["MemTotal", 2048 * 1024],
      ["HugePages_Total", 4],
      ["Active(anon)", 1024],
    ]);
  });
});
