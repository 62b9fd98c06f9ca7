import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";

const packageDir = new URL("..", import.meta.url).pathname;
const nobody = 65_534;

/**
 * Runs the fixture test files (src/__fixtures__/*.fixture.ts) in a vitest of their own, as a
 * user who cannot start the harness: as nobody when we are root, else as ourselves.
 */
async function runFixturesUnprivileged(required: "0" | "1") {
  const asRoot = process.getuid?.() === 0;
  const vitest = join(packageDir, "node_modules/.bin/vitest");
  const args = ["run", "--configLoader", "native", "--config", "src/__fixtures__/vitest.config.mjs", "--reporter=json"];
  const argv = asRoot ? ["setpriv", `--reuid=${nobody}`, `--regid=${nobody}`, "--clear-groups", vitest, ...args] : [vitest, ...args];
  onTestFinished(() => rm(join(tmpdir(), `mc-harness-fixture-vite-${asRoot ? nobody : process.getuid?.()}`), { recursive: true, force: true }));
  const [program = "", ...rest] = argv;
  const result = await execa(program, rest, {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), MC_HARNESS_REQUIRED: required },
    extendEnv: false,
    stdin: "ignore",
    reject: false,
  });
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as {
    numPassedTests: number;
    numPendingTests: number;
    numFailedTestSuites: number;
    testResults: { name: string; status: string; message: string }[];
  };
  return { exitCode: result.exitCode, stderr: result.stderr, report };
}

describe("harnessForTests and useHarnessInTests where the harness cannot run", () => {
  it("should skip the tests and say why on stderr when the harness is optional", async () => {
    const { exitCode, stderr, report } = await runFixturesUnprivileged("0");
    expect(exitCode).toBe(0);
    expect(stderr).toMatch(/\[systemd-harness\] SKIPPED: needs root/);
    expect({ passed: report.numPassedTests, skipped: report.numPendingTests, failedFiles: report.numFailedTestSuites }).toStrictEqual({
      passed: 0,
      skipped: 2,
      failedFiles: 0,
    });
  }, 60_000);

  it("should fail both files when the harness is required", async () => {
    const { exitCode, report } = await runFixturesUnprivileged("1");
    expect(exitCode).not.toBe(0);
    expect(report.numPassedTests).toBe(0);
    const statuses = report.testResults.map((result) => [result.name.replace(/.*\//, ""), result.status]);
    expect(statuses.sort()).toStrictEqual([
      ["skip-or-fail.fixture.ts", "failed"],
      ["use-harness.fixture.ts", "failed"],
    ]);
    const messages = report.testResults.map((result) => result.message).join("\n");
    expect(messages).toMatch(/required \(CI or MC_HARNESS_REQUIRED=1\) but cannot run here: needs root/);
  }, 60_000);
});
