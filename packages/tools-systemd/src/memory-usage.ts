import { readFile } from "node:fs/promises";
import { defineTool, ToolFailureError } from "@mc/core";
import * as v from "valibot";

const bytes = (description: string) => v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));

/** Output of `memory_usage`, in bytes. */
export const memoryUsageOutputSchema = v.object({
  total_bytes: bytes("Usable RAM (MemTotal)."),
  available_bytes: bytes("Memory available for new work without swapping (MemAvailable)."),
  free_bytes: bytes("Completely unused memory (MemFree)."),
  buffers_bytes: bytes("Block-device buffers (Buffers)."),
  cached_bytes: bytes("Page cache (Cached)."),
  used_bytes: bytes("total - available."),
  used_percent: v.pipe(v.number(), v.minValue(0), v.maxValue(100), v.description("used / total × 100, 1 decimal.")),
  swap_total_bytes: bytes("Swap space (SwapTotal)."),
  swap_free_bytes: bytes("Unused swap (SwapFree)."),
  swap_used_bytes: bytes("SwapTotal - SwapFree."),
});

/**
 * Parses /proc/meminfo into byte counts.
 * @param text - contents of /proc/meminfo
 * @returns field name → bytes (the file's `kB` are KiB)
 */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const value = Number(match[2]);
    fields.set(match[1], line.trimEnd().endsWith("kB") ? value * 1024 : value);
  }
  return fields;
}

/** `memory_usage`: RAM and swap of the host mc runs on, from /proc/meminfo. */
export const memoryUsageTool = defineTool({
  name: "memory_usage",
  title: "Memory usage",
  description:
    "RAM and swap of the host in bytes (total, available, free, buffers, cached, used, swap) and the used " +
    "percentage, from /proc/meminfo. 'available' is what new work can get without swapping. Takes no arguments.",
  risk: "read_only",
  input: v.strictObject({}),
  output: memoryUsageOutputSchema,
  async run() {
    let text: string;
    try {
      text = await readFile("/proc/meminfo", "utf8");
    } catch (error) {
      throw new ToolFailureError("Could not read /proc/meminfo", { cause: error });
    }
    const fields = parseMeminfo(text);
    const field = (name: string): number => {
      const value = fields.get(name);
      if (value === undefined) throw new ToolFailureError(`/proc/meminfo has no ${name} line`, { data: { field: name } });
      return value;
    };
    const total = field("MemTotal");
    const free = field("MemFree");
    // Kernels before 3.14 have no MemAvailable; free + buffers + cache is the old estimate.
    const available = fields.get("MemAvailable") ?? free + (fields.get("Buffers") ?? 0) + (fields.get("Cached") ?? 0);
    const used = Math.max(0, total - available);
    const swapTotal = fields.get("SwapTotal") ?? 0;
    const swapFree = fields.get("SwapFree") ?? 0;
    return {
      total_bytes: total,
      available_bytes: available,
      free_bytes: free,
      buffers_bytes: fields.get("Buffers") ?? 0,
      cached_bytes: fields.get("Cached") ?? 0,
      used_bytes: used,
      used_percent: total > 0 ? Math.round((used / total) * 1000) / 10 : 0,
      swap_total_bytes: swapTotal,
      swap_free_bytes: swapFree,
      swap_used_bytes: Math.max(0, swapTotal - swapFree),
    };
  },
});
