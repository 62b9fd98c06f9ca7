import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// libSQL's loader builds a whole process report (5-7 ms) only to tell glibc from musl; the
// store answers that from Node's ELF interpreter when /usr/bin/ldd agrees (@mc/approvals'
// libc-family.ts). The built bin runs with process.report.getReport wrapped to report each real
// report on stderr, and to say at exit whether the wrapper is still the one in place.
const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const COUNT_REPORTS = `data:text/javascript,${encodeURIComponent(
  [
    "const real = process.report.getReport;",
    "const counting = function (...args) { process.stderr.write('REPORT\\n'); return real.apply(this, args); };",
    "process.report.getReport = counting;",
    "process.on('exit', () => process.stderr.write(process.report.getReport === counting ? 'RESTORED\\n' : 'REPLACED\\n'));",
  ].join("\n"),
)}`;
const execFileAsync = promisify(execFile);

// Where the store can answer by itself: a 64-bit Linux with an ldd naming its C library (libSQL's
// own detection runs elsewhere, and may report).
function libcKnown(): boolean {
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) return false;
  try {
    const ldd = readFileSync("/usr/bin/ldd", "utf8");
    return ldd.includes("musl") || ldd.includes("GLIBC");
  } catch {
    return false;
  }
}

describe("libSQL loads without a process report", () => {
  let dir: string;
  const run = async (args: string[]) =>
    execFileAsync(process.execPath, ["--import", COUNT_REPORTS, MC_BIN, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: join(dir, "state") },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mc-libc-report-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should count the wrapper's reports (control)", async () => {
    const { stderr } = await execFileAsync(process.execPath, ["--import", COUNT_REPORTS, "-e", "process.report.getReport()"]);
    expect(stderr).toBe("REPORT\nRESTORED\n");
  });

  it.runIf(libcKnown())("should make no report for `mc tool memory_usage`, and leave getReport as it found it", async () => {
    // The first run creates and migrates the database, the second opens a current one.
    for (let run_ = 0; run_ < 2; run_ += 1) {
      const memory = await run(["tool", "memory_usage"]);
      expect(memory.stdout).toContain("total_bytes");
      expect(memory.stderr).toBe("RESTORED\n");
    }
  });
});
