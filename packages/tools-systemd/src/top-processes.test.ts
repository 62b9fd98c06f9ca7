import { TIMEOUTS } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { callTool, contextFor } from "./test-kit.js";
import { parsePsOutput, topProcessesTool } from "./top-processes.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];

describe.skipIf(!harness.available)("topProcessesTool in the container", () => {
  it("should list the container's processes, most CPU first", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(topProcessesTool, { limit: 20 }, context);
    expect(result.processes.length).toBeGreaterThan(3);
    expect(result.processes.length).toBeLessThanOrEqual(20);
    // PID 1 of the container is systemd.
    expect(result.processes).toContainEqual(expect.objectContaining({ pid: 1, command: "systemd" }));
    const cpu = result.processes.map((process) => process.cpu);
    expect(cpu).toStrictEqual([...cpu].sort((left, right) => right - left));
    expect(calls.map((call) => [call.file, call.args, call.options.timeoutMs])).toStrictEqual([
      ["ps", ["-eo", "pid=,ppid=,%cpu=,%mem=,comm=", "--sort=-%cpu"], TIMEOUTS.query],
    ]);
  });
});

describe("topProcessesTool", () => {
  it("should default to five processes of this host", async () => {
    const { context } = contextFor();
    const result = await callTool(topProcessesTool, {}, context);
    expect(result.processes).toHaveLength(5);
    expect(result.processes.every((process) => process.pid > 0 && process.command.length > 0)).toBe(true);
  });
});

describe("parsePsOutput", () => {
  it("should keep spaces in command names and skip junk lines", () => {
    expect(parsePsOutput("  12     1 50.5  1.2 Web Content\nnot a line\n 3 0 0.0 0.0 x\n")).toStrictEqual([
      { pid: 12, ppid: 1, cpu: 50.5, mem: 1.2, command: "Web Content" },
      { pid: 3, ppid: 0, cpu: 0, mem: 0, command: "x" },
    ]);
  });
});
