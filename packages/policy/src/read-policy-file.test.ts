import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { decide } from "./decide.js";
import { loadPolicy } from "./load-policy.js";
import { createPolicySource } from "./policy-source.js";
import { MAX_POLICY_BYTES, readPolicyFile } from "./read-policy-file.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

const memory = { name: "memory_usage", risk: "read_only" as const };

/** Loads `path` as an explicitly named policy, both ways the package offers, and returns the load error. */
function explicitLoadError(path: string, stateDir: string): string | undefined {
  const once = loadPolicy({ path, stateDir, tools: MC_TOOLS, explicit: true });
  const followed = createPolicySource({ path, stateDir, tools: MC_TOOLS, explicit: true }).current();
  expect(once.ok).toBe(false);
  expect(followed.ok).toBe(false);
  expect(followed.loadError).toBe(once.loadError);
  expect(decide(followed, { tool: memory })).toMatchObject({ allowed: false, code: "policy_load_error" });
  return once.loadError;
}

describe("readPolicyFile", () => {
  it("should refuse a missing explicit path and give defaults only for the default path", () => {
    const directory = tempDir();
    const path = join(directory, "polcy.toml");
    expect(explicitLoadError(path, directory)).toBe(`${path}: no such policy file (it was named explicitly; only the default policy path may be absent)`);
    expect(readPolicyFile(path, { explicit: false })).toStrictEqual({ kind: "absent" });
    const defaults = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS }).current();
    expect(defaults).toMatchObject({ ok: true, source: "defaults" });
  });

  it("should refuse a dangling symlink, even at the default path", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    symlinkSync(join(directory, "gone.toml"), path);
    expect(explicitLoadError(path, directory)).toBe(`${path}: cannot read the policy file: it is a symbolic link to a file that does not exist`);
    expect(loadPolicy({ path, stateDir: directory, tools: MC_TOOLS }).ok).toBe(false);
  });

  it("should follow a symlink to a regular file", () => {
    const directory = tempDir({ "real.toml": "version = 1\n[tools.memory_usage]\nenabled = false\n" });
    const path = join(directory, "policy.toml");
    symlinkSync(join(directory, "real.toml"), path);
    const policy = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS, explicit: true }).current();
    expect(policy.ok).toBe(true);
    expect(decide(policy, { tool: memory })).toMatchObject({ allowed: false, code: "tool_disabled" });
  });

  it("should refuse a directory", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    mkdirSync(path);
    expect(explicitLoadError(path, directory)).toBe(`${path}: cannot read the policy file: it is a directory, not a regular file`);
  });

  it("should refuse a FIFO without waiting for a writer", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    execFileSync("mkfifo", [path]);
    expect(explicitLoadError(path, directory)).toBe(`${path}: cannot read the policy file: it is a FIFO (named pipe), not a regular file`);
    // A link to the FIFO, too: the kind is checked on what the path resolves to.
    const link = join(directory, "link.toml");
    symlinkSync(path, link);
    expect(explicitLoadError(link, directory)).toMatch(/it is a FIFO \(named pipe\), not a regular file$/);
  });

  it("should refuse a socket", async () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    expect(explicitLoadError(path, directory)).toBe(`${path}: cannot read the policy file: it is a socket, not a regular file`);
  });

  it("should refuse a symlink to /dev/zero without reading it (memory does not grow)", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    symlinkSync("/dev/zero", path);
    const before = process.memoryUsage().rss;
    for (let round = 0; round < 20; round += 1) {
      expect(explicitLoadError(path, directory)).toBe(`${path}: cannot read the policy file: it is a character device, not a regular file`);
    }
    // Reading /dev/zero to the end would take all memory; one capped read would add ~1 MiB a round.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("should refuse /dev/null named directly", () => {
    const directory = tempDir();
    expect(explicitLoadError("/dev/null", directory)).toBe("/dev/null: cannot read the policy file: it is a character device, not a regular file");
  });

  it("should refuse a file over the size cap and read one at the cap", () => {
    const directory = tempDir();
    const header = "version = 1\n";
    const filler = (length: number) => `${header}#${"x".repeat(length - header.length - 2)}\n`;
    const path = join(directory, "policy.toml");
    writeFileSync(path, filler(MAX_POLICY_BYTES + 1));
    expect(explicitLoadError(path, directory)).toBe(
      `${path}: cannot read the policy file: it is ${MAX_POLICY_BYTES + 1} bytes, over the ${MAX_POLICY_BYTES}-byte limit of a policy file`,
    );
    const atCap = join(directory, "at-cap.toml");
    writeFileSync(atCap, filler(MAX_POLICY_BYTES));
    expect(loadPolicy({ path: atCap, stateDir: directory, tools: MC_TOOLS, explicit: true })).toMatchObject({ ok: true, source: "file" });
  });

  it("should read a mode-000 file when running as root (root bypasses file permissions) and refuse it otherwise", () => {
    const directory = tempDir({ "policy.toml": "version = 1\n" });
    const path = join(directory, "policy.toml");
    chmodSync(path, 0o000);
    const read = readPolicyFile(path, { explicit: true });
    if (process.getuid?.() === 0) expect(read.kind).toBe("read");
    else expect(read).toMatchObject({ kind: "refused", diagnostic: { message: `${path}: cannot read the policy file: permission denied` } });
  });

  it("should refuse a path through a regular file", () => {
    const directory = tempDir({ file: "" });
    const path = join(directory, "file", "policy.toml");
    expect(explicitLoadError(path, directory)).toBe(`${path}: cannot read the policy file: a component of the path is not a directory`);
  });
});
