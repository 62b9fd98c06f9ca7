import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";

const setFlags = vi.hoisted(() => vi.fn<(flags: string) => void>());
vi.mock("node:v8", async (importOriginal) => ({ ...(await importOriginal<typeof import("node:v8")>()), setFlagsFromString: setFlags }));

const { serveV8Flags, tuneHeapForServing } = await import("./heap-tuning.js");

// A child that sets the given flags after start-up, as `mc mcp serve` does, then allocates with
// survivors (a window of live objects, like calls in flight) and reports V8's new space.
const CHILD = `
const v8 = require("node:v8");
for (const flag of JSON.parse(process.argv[1])) v8.setFlagsFromString(flag);
const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space").space_size;
let keep = [];
for (let i = 0; i < 2e6; i += 1) { keep.push({ i, s: "x" + i }); if (keep.length > 100000) keep = []; }
process.stdout.write(JSON.stringify({ newSpace: newSpace(), kept: keep.length }));
`;

function runChild(flags: readonly string[]): { newSpace: number; stderr: string } {
  const child = spawnSync(process.execPath, ["-e", CHILD, JSON.stringify(flags)], { encoding: "utf8" });
  expect(child.status).toBe(0);
  return { newSpace: (JSON.parse(child.stdout) as { newSpace: number }).newSpace, stderr: child.stderr };
}

describe("tuneHeapForServing", () => {
  it("should set the serving flags on a V8 whose flags were checked", () => {
    setFlags.mockClear();
    expect(tuneHeapForServing("11.3.244.8-node.38")).toEqual(["--semi-space-growth-factor=1", "--optimize-for-size"]);
    expect(setFlags.mock.calls.map(([flag]) => flag)).toEqual(["--semi-space-growth-factor=1", "--optimize-for-size"]);
  });

  it("should set only the growth factor on Node 22's and 24's V8 (--optimize-for-size slowed calls there)", () => {
    setFlags.mockClear();
    expect(tuneHeapForServing("12.4.254.21-node.57")).toEqual(["--semi-space-growth-factor=1"]);
    expect(tuneHeapForServing("13.6.233.17-node.53")).toEqual(["--semi-space-growth-factor=1"]);
    expect(setFlags.mock.calls.map(([flag]) => flag)).toEqual(["--semi-space-growth-factor=1", "--semi-space-growth-factor=1"]);
  });

  it("should leave a V8 it does not know alone (an unknown flag makes V8 print an error)", () => {
    setFlags.mockClear();
    for (const version of ["99.1.0", "14.0.1", "10.2.154.26-node.22", "", "not a version"]) expect(tuneHeapForServing(version)).toEqual([]);
    expect(setFlags).not.toHaveBeenCalled();
  });

  it("should keep the young generation from growing when set after start-up, on this Node", () => {
    // The control shows the allocation grows new space without the flags (to 32 MiB on Node 20 and 22).
    expect(runChild([]).newSpace).toBeGreaterThan(8 * 1024 * 1024);
    const tuned = runChild(serveV8Flags("11.3.0"));
    expect(tuned.newSpace).toBeLessThanOrEqual(4 * 1024 * 1024);
    // Every flag is one this Node knows: V8 reports an unknown one on stderr.
    expect(tuned.stderr).toBe("");
    // The flags for this Node's own V8 are known to it and keep new space small too.
    const own = runChild(serveV8Flags());
    expect(own.stderr).toBe("");
    expect(own.newSpace).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
