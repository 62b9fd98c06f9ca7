import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// string-width's module body makes an Intl.Segmenter (and compiles its emoji regex): a
// one-shot whose output is ASCII must not evaluate it. The built bin runs with Intl.Segmenter
// wrapped to report each construction on stderr.
const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const COUNT_SEGMENTERS = `data:text/javascript,${encodeURIComponent(
  "const Real = Intl.Segmenter; Intl.Segmenter = class extends Real { constructor(...args) { super(...args); process.stderr.write('SEGMENTER\\n'); } };",
)}`;
const execFileAsync = promisify(execFile);

describe("string-width is evaluated only for text that needs it", () => {
  let dir: string;
  const run = async (args: string[]) =>
    execFileAsync(process.execPath, ["--import", COUNT_SEGMENTERS, MC_BIN, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: join(dir, "state"), NODE_DISABLE_COMPILE_CACHE: "1" },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mc-lazy-width-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should count the wrapper's constructions (control)", async () => {
    const { stderr } = await execFileAsync(process.execPath, ["--import", COUNT_SEGMENTERS, "-e", "new Intl.Segmenter()"]);
    expect(stderr).toBe("SEGMENTER\n");
  });

  it("should make no segmenter for `mc tools` and `mc tool memory_usage`", async () => {
    const tools = await run(["tools"]);
    expect(tools.stdout).toContain("memory_usage");
    expect(tools.stderr).not.toContain("SEGMENTER");
    const memory = await run(["tool", "memory_usage"]);
    expect(memory.stdout).toContain("total_bytes");
    expect(memory.stderr).not.toContain("SEGMENTER");
  });
});
