import { closeSync, openSync, renameSync, rmSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decide } from "./decide.js";
import { createPolicySource, POLICY_QUIET_MS } from "./policy-source.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

/** Waits past the quiet period after which a file changed in place is adopted. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, POLICY_QUIET_MS + 100));

/** Replaces a file atomically (new inode), as `mc policy install` does. */
function renameInto(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

const restart = { name: "restart_service", risk: "privileged" as const };

/** Sets a file's mtime well in the past, outside the window in which its bytes are always re-hashed. */
function age(path: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, when, when);
}

describe("createPolicySource", () => {
  it("should return the same object while the file is unchanged", () => {
    const directory = tempDir({ "policy.toml": "version = 1\n" });
    const path = join(directory, "policy.toml");
    age(path, 60);
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS });
    const first = source.current();
    expect(first.source).toBe("file");
    expect(source.current()).toBe(first);
    expect(source.path).toBe(path);
  });

  it("should pick up an in-place rewrite with different content of the same size once it is quiet", async () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const enabled = "version = 1\n[tools.restart_service]\nenabled = true\n";
    const sameSizeDisabled = "version = 1\n[tools.restart_service]\nenabled =false\n";
    expect(Buffer.byteLength(sameSizeDisabled)).toBe(Buffer.byteLength(enabled));
    writeFileSync(path, enabled);
    age(path, 120);
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS });
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" }).allowed).toBe(true);

    writeFileSync(path, sameSizeDisabled);
    age(path, 60);
    // utimes cannot make it look old: the ctime says it just changed, so the last policy stays.
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" }).allowed).toBe(true);
    await quiet();
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" })).toMatchObject({ allowed: false, code: "tool_disabled" });
  });

  it("should pick up a rewrite that keeps both size and mtime", async () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const when = new Date();
    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled = true\n");
    utimesSync(path, when, when);
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS });
    expect(source.current().tools.get("restart_service")?.enabled).toBe(true);
    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled =false\n");
    utimesSync(path, when, when);
    await quiet();
    expect(source.current().tools.get("restart_service")?.enabled).toBe(false);
  });

  it("should keep the parsed object when a touch leaves the content as it was", () => {
    const directory = tempDir({ "policy.toml": "version = 1\n" });
    const path = join(directory, "policy.toml");
    age(path, 120);
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS });
    const first = source.current();
    age(path, 60);
    expect(source.current()).toBe(first);
    writeFileSync(path, "version = 1\n");
    expect(source.current()).toBe(first);
  });

  it("should switch between defaults and the file as it appears and disappears", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS });
    const defaults = source.current();
    expect(defaults.source).toBe("defaults");
    expect(source.current()).toBe(defaults);

    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled = false\n");
    expect(source.current().source).toBe("file");
    expect(decide(source.current(), { tool: restart })).toMatchObject({ allowed: false, code: "tool_disabled" });

    renameInto(path, "version = 1\n[tools.restart_service]\nenabled = \n");
    expect(decide(source.current(), { tool: restart })).toMatchObject({ allowed: false, code: "policy_load_error" });

    rmSync(path);
    expect(source.current().source).toBe("defaults");
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
  });

  it("should fail closed when the path cannot be read and recover once it can", () => {
    const directory = tempDir({ "policy.toml/x": "" });
    const path = join(directory, "policy.toml");
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS });
    expect(source.current().ok).toBe(false);
    rmSync(path, { recursive: true });
    writeFileSync(path, "version = 1\n");
    expect(source.current().ok).toBe(true);
  });

  it("should adopt a file renamed into place at once", () => {
    const directory = tempDir({ "policy.toml": "version = 1\n" });
    const path = join(directory, "policy.toml");
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS, explicit: true });
    expect(source.current().tools.get("restart_service")?.enabled).toBe(true);
    renameInto(path, "version = 1\n[tools.restart_service]\nenabled = false\n");
    expect(source.current().tools.get("restart_service")?.enabled).toBe(false);
  });

  it("should keep the last policy while a file rewritten in place is half-written, and adopt it once complete and quiet", async () => {
    const directory = tempDir({ "policy.toml": "version = 1\n[tools.restart_service]\nenabled = false\n" });
    const path = join(directory, "policy.toml");
    age(path, 60);
    const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS, explicit: true });
    expect(decide(source.current(), { tool: restart })).toMatchObject({ code: "tool_disabled" });

    // Truncate, write the first half (which loads, and enables the tool), pause past the quiet period.
    const descriptor = openSync(path, "w");
    writeSync(descriptor, "version = 1\n");
    expect(decide(source.current(), { tool: restart })).toMatchObject({ code: "tool_disabled" });
    await quiet();
    // Quiet, but a process (this one) still holds it open for writing: still the last policy.
    expect(decide(source.current(), { tool: restart })).toMatchObject({ code: "tool_disabled" });
    writeSync(descriptor, "[tools.restart_service]\nenabled = false\nrequire_confirmation = true\n");
    closeSync(descriptor);
    await quiet();
    const adopted = source.current();
    expect(adopted.tools.get("restart_service")).toMatchObject({ enabled: false, requireConfirmation: true });
  });

  it("should wait, bounded, on the first load of a file being written, then deny every tool until it is complete", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const descriptor = openSync(path, "w");
    try {
      writeSync(descriptor, "version = 1\n");
      const source = createPolicySource({ path, stateDir: directory, tools: MC_TOOLS, explicit: true });
      const first = source.current();
      expect(first.ok).toBe(false);
      expect(first.loadError).toBe(
        `${path}: the policy file is still being written (it keeps changing, or a process holds it open for writing); every tool is denied until it is stable`,
      );
      writeSync(descriptor, "[tools.memory_usage]\nenabled = false\n");
      closeSync(descriptor);
      expect(decide(source.current(), { tool: { name: "memory_usage", risk: "read_only" } })).toMatchObject({ allowed: false, code: "tool_disabled" });
    } finally {
      try {
        closeSync(descriptor);
      } catch {
        // closed above
      }
    }
  });
});
