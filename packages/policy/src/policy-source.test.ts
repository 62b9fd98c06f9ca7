import { rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decide } from "./decide.js";
import { createPolicySource } from "./policy-source.js";
import { SPEC_TOOLS, tempDir } from "./test-support.js";

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
    const source = createPolicySource({ path, stateDir: directory, tools: SPEC_TOOLS });
    const first = source.current();
    expect(first.source).toBe("file");
    expect(source.current()).toBe(first);
    expect(source.path).toBe(path);
  });

  it("should pick up a rewrite with different content of the same size", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const enabled = "version = 1\n[tools.restart_service]\nenabled = true\n";
    const sameSizeDisabled = "version = 1\n[tools.restart_service]\nenabled =false\n";
    expect(Buffer.byteLength(sameSizeDisabled)).toBe(Buffer.byteLength(enabled));
    writeFileSync(path, enabled);
    age(path, 120);
    const source = createPolicySource({ path, stateDir: directory, tools: SPEC_TOOLS });
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" }).allowed).toBe(true);

    writeFileSync(path, sameSizeDisabled);
    age(path, 60);
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" })).toMatchObject({ allowed: false, code: "tool_disabled" });
  });

  it("should pick up a rewrite that keeps both size and mtime", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const when = new Date();
    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled = true\n");
    utimesSync(path, when, when);
    const source = createPolicySource({ path, stateDir: directory, tools: SPEC_TOOLS });
    expect(source.current().tools.get("restart_service")?.enabled).toBe(true);
    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled =false\n");
    utimesSync(path, when, when);
    expect(source.current().tools.get("restart_service")?.enabled).toBe(false);
  });

  it("should keep the parsed object when a touch leaves the content as it was", () => {
    const directory = tempDir({ "policy.toml": "version = 1\n" });
    const path = join(directory, "policy.toml");
    age(path, 120);
    const source = createPolicySource({ path, stateDir: directory, tools: SPEC_TOOLS });
    const first = source.current();
    age(path, 60);
    expect(source.current()).toBe(first);
    writeFileSync(path, "version = 1\n");
    expect(source.current()).toBe(first);
  });

  it("should switch between defaults and the file as it appears and disappears", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const source = createPolicySource({ path, stateDir: directory, tools: SPEC_TOOLS });
    const defaults = source.current();
    expect(defaults.source).toBe("defaults");
    expect(source.current()).toBe(defaults);

    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled = false\n");
    expect(source.current().source).toBe("file");
    expect(decide(source.current(), { tool: restart })).toMatchObject({ allowed: false, code: "tool_disabled" });

    writeFileSync(path, "version = 1\n[tools.restart_service]\nenabled = \n");
    expect(decide(source.current(), { tool: restart })).toMatchObject({ allowed: false, code: "policy_load_error" });

    rmSync(path);
    expect(source.current().source).toBe("defaults");
    expect(decide(source.current(), { tool: restart, scope: "system", unit: "a.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
  });

  it("should fail closed when the path cannot be read and recover once it can", () => {
    const directory = tempDir({ "policy.toml/x": "" });
    const path = join(directory, "policy.toml");
    const source = createPolicySource({ path, stateDir: directory, tools: SPEC_TOOLS });
    expect(source.current().ok).toBe(false);
    rmSync(path, { recursive: true });
    writeFileSync(path, "version = 1\n");
    expect(source.current().ok).toBe(true);
  });
});
