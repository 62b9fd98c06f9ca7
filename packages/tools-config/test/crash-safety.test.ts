import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ConfigTarget } from "@mc/core";
import { execa } from "execa";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../src/backup-store.js";
import { writeConfigFile } from "../src/write-config-file.js";
import type { WriteStep } from "../src/write-step.js";
import { buildTree, makeContext, makeSandbox, removeSandbox } from "./helpers/sandbox.js";

const packageDir = resolve(import.meta.dirname, "..");
const writer = join(packageDir, "test", "fixtures", "crash-writer.mjs");

const OLD = `[main]\n${"old = 1\n".repeat(4000)}`;
const NEW = `[main]\n${"new = 2\n".repeat(6000)}`;

/** Newest modification among the sources that go into dist/ (tests and snapshots do not). */
async function newestSourceMtime(directory: string): Promise<number> {
  let newest = 0;
  for (const name of await readdir(directory, { recursive: true })) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
    newest = Math.max(newest, (await stat(join(directory, name))).mtimeMs);
  }
  return newest;
}

beforeAll(async () => {
  // The child imports dist/. turbo builds it before the tests; a direct vitest run after an edit
  // rebuilds it here when it is missing or older than the sources.
  const dist = join(packageDir, "dist", "index.js");
  const built = await stat(dist).then(
    (stats) => stats.mtimeMs,
    () => 0,
  );
  if (built < (await newestSourceMtime(join(packageDir, "src")))) await execa("pnpm", ["run", "build"], { cwd: packageDir });
}, 120_000);

async function processState(pid: number): Promise<string | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

/** Starts the writer paused at `step`, waits until it has stopped there, and kills it with SIGKILL. */
async function killWriterAt(step: WriteStep, request: Record<string, unknown>): Promise<void> {
  const child = execa(process.execPath, [writer, JSON.stringify({ ...request, pauseAt: step })], { reject: false });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await processState(child.pid as number);
    if (state === "T") break;
    if (state === undefined || state === "Z" || Date.now() > deadline) {
      child.kill("SIGKILL");
      const result = await child;
      throw new Error(`writer never paused at ${step}: exit ${result.exitCode}, ${result.stderr}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
  child.kill("SIGKILL");
  const result = await child;
  expect(result.signal).toBe("SIGKILL");
}

let sandbox: string;
let root: string;
let state: string;
let targets: ConfigTarget[];

beforeEach(async () => {
  sandbox = await makeSandbox();
  root = join(sandbox, "root");
  state = join(sandbox, "state");
  await buildTree(sandbox, { "root/app.ini": OLD, state: { dir: true } });
  targets = [{ name: "crash", description: "", roots: [root], fileGlobs: ["*.ini"], validator: "ini_parse" }];
});

afterEach(async () => {
  await removeSandbox(sandbox);
});

describe("a writer killed with SIGKILL", () => {
  const steps: { step: WriteStep; expected: "old" | "new" }[] = [
    { step: "after-validate", expected: "old" },
    { step: "after-backup", expected: "old" },
    { step: "after-temp-write", expected: "old" },
    { step: "before-rename", expected: "old" },
    { step: "after-rename", expected: "new" },
  ];

  it.each(steps)(
    "should leave the $expected content whole when killed at $step, and the next write should succeed",
    async ({ step, expected }) => {
      const path = join(root, "app.ini");
      await killWriterAt(step, { path, content: NEW, stateDir: state, targets });
      expect(await readFile(path, "utf8")).toBe(expected === "old" ? OLD : NEW);
      // A backup, when one was taken, is whole.
      for (const backup of await listBackups({ stateDir: state, configTargets: targets, path })) {
        expect(await readFile(join(state, "config-backups", "crash", backup.backup_id), "utf8")).toBe(OLD);
      }
      const next = await writeConfigFile({ path, content: "[main]\nafter = crash\n", dry_run: false }, makeContext(state, targets));
      expect(next.written).toBe(true);
      expect(await readFile(path, "utf8")).toBe("[main]\nafter = crash\n");
      expect(await readdir(root)).toStrictEqual(["app.ini"]);
      expect((await readdir(join(state, "config-backups", "crash"))).filter((name) => name.startsWith("."))).toStrictEqual([]);
    },
    60_000,
  );

  it("should restore whole or not at all when a restore is killed before its rename", async () => {
    const path = join(root, "app.ini");
    const context = makeContext(state, targets);
    const first = await writeConfigFile({ path, content: NEW, dry_run: false }, context);
    await killWriterAt("before-rename", { path, backupId: first.backup_id, stateDir: state, targets });
    expect(await readFile(path, "utf8")).toBe(NEW);
    await killWriterAt("after-rename", { path, backupId: first.backup_id, stateDir: state, targets });
    expect(await readFile(path, "utf8")).toBe(OLD);
  }, 60_000);

  it("should complete when nothing interrupts it", async () => {
    const path = join(root, "app.ini");
    const result = await execa(process.execPath, [writer, JSON.stringify({ path, content: NEW, stateDir: state, targets })], { reject: false });
    expect([result.exitCode, result.stderr]).toStrictEqual([0, ""]);
    expect(await readFile(path, "utf8")).toBe(NEW);
  });
});
