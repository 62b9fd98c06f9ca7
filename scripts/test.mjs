#!/usr/bin/env node
// Runs lint, typecheck and every test of the workspace and ends with one line
// "N passed, N failed[, N skipped]" (lint and typecheck count as one test each).
// Boots the project's systemd container once for the whole run (packages reuse it) and stops it
// afterwards. Under CI (or MC_HARNESS_REQUIRED=1) a harness that cannot start fails the run;
// elsewhere the tests that need it skip and say why. Packages run one at a time: several of
// them restart units in the shared container, and one must not observe another's restart.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const results = join(root, ".test-results");
const harnessScripts = join(root, "tooling/systemd-harness/scripts");
const required = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false" ? "1" : (process.env.MC_HARNESS_REQUIRED ?? "0");
const env = { ...process.env, MC_HARNESS_REQUIRED: required };

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

let startedHarness = false;
const up = spawnSync("bash", [join(harnessScripts, "up.sh")], { env, stdio: ["ignore", "ignore", "inherit"] });
if (up.status === 0) {
  startedHarness = true;
  console.log("[test] systemd harness is up");
} else if (required === "1") {
  console.error(`[test] the systemd harness could not start (exit ${up.status}); it is required here (CI)`);
  console.log("0 passed, 1 failed");
  process.exit(1);
} else {
  console.error(`[test] the systemd harness could not start (exit ${up.status}): tests that need real systemd will SKIP`);
}

// Lint and typecheck are part of the run and of its count: one passed or failed each. Both need
// the packages built (type-aware lint and typecheck read each dependency's dist/*.d.ts).
const checks = [];
const build = spawnSync("pnpm", ["exec", "turbo", "run", "build"], { cwd: root, env, stdio: "inherit" });
for (const check of ["lint", "typecheck"]) {
  const run = build.status === 0 ? spawnSync("pnpm", ["run", check], { cwd: root, env, stdio: "inherit" }) : { status: null };
  checks.push({ check, ok: run.status === 0 });
  console.log(`[test] pnpm ${check}: ${run.status === 0 ? "passed" : build.status === 0 ? "FAILED" : "not run (the build failed)"}`);
}

const turbo = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});

if (startedHarness && process.env.MC_HARNESS_KEEP !== "1") {
  spawnSync("bash", [join(harnessScripts, "down.sh")], { env, stdio: ["ignore", "ignore", "inherit"] });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const file of readdirSync(results)
  .filter((name) => name.endsWith(".json"))
  .sort()) {
  const report = JSON.parse(readFileSync(join(results, file), "utf8"));
  // A test file that fails to load, or whose beforeAll throws, is a failed suite whose tests did
  // not fail themselves (none ran, or all were skipped): count each such file as a failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (suite) => suite.status === "failed" && !(suite.assertionResults ?? []).some((test) => test.status === "failed"),
  ).length;
  const packageFailed = report.numFailedTests + brokenFiles;
  passed += report.numPassedTests;
  failed += packageFailed;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  rows.push(
    `  ${file.replace(/\.json$/, "").padEnd(16)} ${String(report.numPassedTests).padStart(5)} passed ${String(packageFailed).padStart(3)} failed ${String(report.numPendingTests).padStart(3)} skipped`,
  );
}
for (const { check, ok } of checks) {
  if (ok) passed += 1;
  else failed += 1;
  rows.push(`  ${check.padEnd(16)} ${ok ? "    1 passed   0 failed" : "    0 passed   1 failed"}`);
}
console.log(`\n[test] per package:\n${rows.join("\n")}`);
if (turbo.status !== 0 && failed === 0) {
  // turbo failed outside a test (a build or a crash): never report that as green.
  console.error("[test] turbo failed before or outside the tests (see above)");
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && turbo.status === 0 ? 0 : 1);
