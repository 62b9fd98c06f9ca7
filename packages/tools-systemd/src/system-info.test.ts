import { readFile } from "node:fs/promises";
import os from "node:os";
import { InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { prettyNameFromOsRelease, systemInfoTool } from "./system-info.js";
import { callTool, contextFor } from "./test-kit.js";

describe("systemInfoTool", () => {
  it("should report this host's facts", async () => {
    const { context, calls } = contextFor();
    const info = await callTool(systemInfoTool, {}, context);
    const osRelease = await readFile("/etc/os-release", "utf8");
    expect(info).toMatchObject({
      hostname: os.hostname(),
      os: prettyNameFromOsRelease(osRelease),
      kernel: os.release(),
      arch: os.arch(),
      cpu_count: os.availableParallelism(),
    });
    expect(info.uptime_seconds).toBeGreaterThan(0);
    expect(info.load_average).toHaveLength(3);
    expect(calls).toStrictEqual([]);
  });

  it("should refuse unknown arguments", async () => {
    const { context } = contextFor();
    await expect(callTool(systemInfoTool, { verbose: true }, context)).rejects.toThrow(InputError);
  });
});

describe("prettyNameFromOsRelease", () => {
  it("should unquote PRETTY_NAME", () => {
    const text = 'NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
    expect(prettyNameFromOsRelease(text)).toBe("Debian GNU/Linux 12 (bookworm)");
  });

  it("should accept an unquoted value and give undefined without the key", () => {
    expect(prettyNameFromOsRelease("PRETTY_NAME=Alpine\n")).toBe("Alpine");
    expect(prettyNameFromOsRelease("ID=debian\n")).toBeUndefined();
  });
});
