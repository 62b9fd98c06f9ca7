// `mc policy install` / `mc policy edit` (visudo-style) and `mc doctor` on an explicitly named
// policy that is missing — all through the real bin in a subprocess.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { editorArgv } from "../src/commands/policy.js";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function mc(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MC_BIN, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function setup(): { dir: string; policy: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "mc-policy-cli-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const policy = join(dir, "etc", "policy.toml");
  return { dir, policy, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: policy } };
}

/** An EDITOR: a node script that replaces the file with what $EDIT_TO names (or appends $EDIT_APPEND). */
function editorScript(dir: string): string {
  const script = join(dir, "editor.mjs");
  writeFileSync(
    script,
    [
      'import { appendFileSync, readFileSync, writeFileSync } from "node:fs";',
      "const file = process.argv.at(-1);",
      'appendFileSync(process.env.EDIT_LOG, file + "\\n");',
      "if (process.env.EDIT_EXIT) process.exit(Number(process.env.EDIT_EXIT));",
      "if (process.env.EDIT_TO) writeFileSync(file, readFileSync(process.env.EDIT_TO));",
      "if (process.env.EDIT_CLOBBER) writeFileSync(process.env.EDIT_CLOBBER, 'version = 1\\n# changed meanwhile\\n');",
    ].join("\n"),
  );
  return script;
}

describe("mc policy install / edit", () => {
  it("should refuse a policy with errors, writing nothing, then install a good one atomically with mode 0600", async () => {
    const { dir, policy, env } = setup();
    writeFileSync(join(dir, "bad.toml"), "version = 1\n[tools.memory_usage]\nenabled = maybe\n");
    const bad = await mc(env, "policy", "install", join(dir, "bad.toml"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("the new policy has 1 error(s); nothing was written");
    expect(() => statSync(policy)).toThrow();

    writeFileSync(join(dir, "good.toml"), "version = 1\n[tools.memory_usage]\nenabled = false\n");
    const good = await mc(env, "policy", "install", join(dir, "good.toml"));
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(readFileSync(policy, "utf8")).toBe("version = 1\n[tools.memory_usage]\nenabled = false\n");
    expect(statSync(policy).mode & 0o777).toBe(0o600);
    // No temp file is left next to it.
    expect(readdirSync(join(dir, "etc"))).toStrictEqual(["policy.toml"]);
    const denied = await mc(env, "tool", "memory_usage");
    expect(denied.code).toBe(1);
  });

  it("should refuse to install a FIFO or a directory as the new policy without hanging", async () => {
    const { dir, env } = setup();
    const fifo = await mc(env, "policy", "install", "/dev/zero");
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain("/dev/zero: cannot read the policy file: it is a character device, not a regular file; the policy is unchanged");
    const directory = await mc(env, "policy", "install", dir);
    expect(directory.code).toBe(1);
  });

  it("should edit through $EDITOR (argv, no shell), check, and install; on errors fail non-interactively and keep the policy", async () => {
    const { dir, policy, env } = setup();
    await mc(env, "policy", "init");
    const before = readFileSync(policy);
    const log = join(dir, "editor.log");
    const editor = `${process.execPath} '${editorScript(dir)}'`;
    writeFileSync(join(dir, "bad.toml"), "version = 1\nbogus = 1\n");
    const bad = await mc({ ...env, EDITOR: editor, EDIT_LOG: log, EDIT_TO: join(dir, "bad.toml") }, "policy", "edit");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown key "bogus"');
    expect(readFileSync(policy).equals(before)).toBe(true);

    writeFileSync(join(dir, "good.toml"), "version = 1\n[tools.memory_usage]\nenabled = false\n");
    const good = await mc({ ...env, VISUAL: editor, EDITOR: "false", EDIT_LOG: log, EDIT_TO: join(dir, "good.toml") }, "policy", "edit");
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(readFileSync(policy, "utf8")).toBe("version = 1\n[tools.memory_usage]\nenabled = false\n");
    // The editor got a private copy, not the policy; the copy is gone afterwards.
    const edited = readFileSync(log, "utf8").trim().split("\n");
    expect(edited).toHaveLength(2);
    for (const file of edited) {
      expect(file).not.toBe(policy);
      expect(() => statSync(file)).toThrow();
    }

    const failing = await mc({ ...env, EDITOR: editor, EDIT_LOG: log, EDIT_EXIT: "3" }, "policy", "edit");
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("the editor exited with status 3; the policy is unchanged");
  });

  it("should refuse to install an edit when the policy changed meanwhile", async () => {
    const { dir, policy, env } = setup();
    await mc(env, "policy", "init");
    writeFileSync(join(dir, "good.toml"), "version = 1\n");
    const result = await mc(
      { ...env, EDITOR: `${process.execPath} ${editorScript(dir)}`, EDIT_LOG: join(dir, "log"), EDIT_TO: join(dir, "good.toml"), EDIT_CLOBBER: policy },
      "policy",
      "edit",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the policy changed since it was read; nothing was written");
    expect(readFileSync(policy, "utf8")).toBe("version = 1\n# changed meanwhile\n");
  });

  it("should report doctor not ok (exit 1) for a missing explicitly named policy, ok for the absent default", async () => {
    const { dir, env } = setup();
    const typo = await mc({ ...env, MC_POLICY_PATH: join(dir, "polcy.toml") }, "doctor", "--json");
    expect(typo.code).toBe(1);
    const report = JSON.parse(typo.stdout) as { ok: boolean; checks: { name: string; ok: boolean; message: string }[] };
    expect(report.checks.find((check) => check.name === "policy")).toMatchObject({ ok: false });
    const tool = await mc({ ...env, MC_POLICY_PATH: join(dir, "polcy.toml") }, "tool", "memory_usage", "--json");
    expect(tool.code).toBe(1);
    expect(tool.stdout).toContain("Policy load error: ");

    const { MC_POLICY_PATH: _unused, ...withoutPolicy } = env;
    const defaults = await mc(withoutPolicy, "tool", "memory_usage", "--json");
    expect(defaults.code).toBe(0);
  });
});

describe("editorArgv", () => {
  it("should split words and quotes without a shell", () => {
    expect(editorArgv("vi")).toStrictEqual(["vi"]);
    expect(editorArgv("  code   --wait ")).toStrictEqual(["code", "--wait"]);
    expect(editorArgv(`"/opt/my editor/ed" -c 'set x' a\\ b`)).toStrictEqual(["/opt/my editor/ed", "-c", "set x", "a b"]);
    expect(editorArgv("vi; rm -rf / $(id) `x` *")).toStrictEqual(["vi;", "rm", "-rf", "/", "$(id)", "`x`", "*"]);
    expect(() => editorArgv("'unclosed")).toThrow(/unclosed ' quote/);
    expect(() => editorArgv("   ")).toThrow(/empty/);
  });
});
