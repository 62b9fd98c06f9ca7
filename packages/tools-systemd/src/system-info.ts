import { readFile } from "node:fs/promises";
import os from "node:os";
import { defineTool } from "@mc/core";
import * as v from "valibot";

/** Output of `system_info`. */
export const systemInfoOutputSchema = v.object({
  hostname: v.pipe(v.string(), v.description("The host's name.")),
  os: v.pipe(v.string(), v.description("Operating system, PRETTY_NAME of /etc/os-release (or the kernel's type).")),
  kernel: v.pipe(v.string(), v.description("Kernel release, e.g. 6.1.0-18-amd64.")),
  arch: v.pipe(v.string(), v.description("CPU architecture, e.g. x64 or arm64.")),
  uptime_seconds: v.pipe(v.number(), v.minValue(0), v.description("Seconds since boot.")),
  load_average: v.pipe(v.tuple([v.number(), v.number(), v.number()]), v.description("Load average over 1, 5 and 15 minutes.")),
  cpu_count: v.pipe(v.number(), v.integer(), v.minValue(1), v.description("Logical CPUs.")),
});

/**
 * Reads PRETTY_NAME from an os-release file.
 * @param text - contents of /etc/os-release
 * @returns the pretty name, unquoted, or undefined
 */
export function prettyNameFromOsRelease(text: string): string | undefined {
  for (const line of text.split("\n")) {
    const match = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (match?.[1] === undefined) continue;
    const raw = match[1].trim();
    const unquoted = /^(["'])(.*)\1$/.exec(raw)?.[2] ?? raw;
    return unquoted.replace(/\\(["'\\$`])/g, "$1");
  }
  return undefined;
}

/**
 * `system_info`: facts about the host mc runs on (read from the kernel and /etc/os-release in
 * this process; no command is started, so a runner prefix does not apply).
 */
export const systemInfoTool = defineTool({
  name: "system_info",
  title: "System information",
  description:
    "Facts about the host: hostname, operating system, kernel release, CPU architecture, uptime in seconds, " +
    "load average (1, 5, 15 min) and logical CPU count. Takes no arguments; changes nothing.",
  risk: "read_only",
  input: v.strictObject({}),
  output: systemInfoOutputSchema,
  async run() {
    let osName: string | undefined;
    for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
      try {
        osName = prettyNameFromOsRelease(await readFile(path, "utf8"));
      } catch {
        // Absent on some minimal systems; the next candidate or the kernel's type stands in.
      }
      if (osName !== undefined) break;
    }
    const [one = 0, five = 0, fifteen = 0] = os.loadavg();
    return {
      hostname: os.hostname(),
      os: osName ?? os.type(),
      kernel: os.release(),
      arch: os.arch(),
      uptime_seconds: Math.max(0, Math.floor(os.uptime())),
      load_average: [one, five, fifteen] as [number, number, number],
      cpu_count: Math.max(1, os.availableParallelism()),
    };
  },
});
