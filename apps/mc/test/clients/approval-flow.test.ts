// Approvals that are easy to act on, through the real `mc` (subprocesses of
// packages/cli/bin/mc.js) and a spawned `mc mcp serve` with the SDK client: approve_with works as
// printed from another shell, a missing database is never created, invalid content is refused
// before any approval, `approvals show` renders a config write or restore as a diff, approve asks
// at a terminal, a waiting call runs once approved from another process, a rejection's note
// reaches the agent, and `approvals watch` streams requests. Config tools only: no systemd needed.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import { childEnv, MC_BIN, run, runMc, tempDir, type ChildResult } from "./support.js";

interface Setup {
  dir: string;
  stateDir: string;
  configFile: string;
  /** The agent's environment: its own state dir and policy. */
  env: Record<string, string>;
}

/** A state dir whose name a shell would split and unquote, an INI config target, the original file. */
function setup(stateName = "state dir 'of' mc"): Setup {
  const dir = tempDir("mc-approval-flow-");
  const stateDir = join(dir, stateName);
  const configs = join(dir, "configs");
  mkdirSync(configs);
  const configFile = join(configs, "app.ini");
  writeFileSync(configFile, "[main]\nname = demo\nport = 8080\n");
  const policy = join(dir, "policy.toml");
  writeFileSync(
    policy,
    `version = 1\n\n[[config_targets]]\nname = "app"\nroots = [${JSON.stringify(configs)}]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n`,
  );
  return { dir, stateDir, configFile, env: childEnv({ MC_STATE_DIR: stateDir, MC_POLICY_PATH: policy, HOME: dir }) };
}

function writeArgs(file: string, content: string): string[] {
  return ["tool", "write_config_file", "--json-args", JSON.stringify({ path: file, content, target: "app" })];
}

async function pendingIds(env: Record<string, string>): Promise<string[]> {
  const listed = await runMc(["approvals", "list", "--status", "pending", "--json"], env);
  if (listed.exitCode !== 0) return [];
  return (JSON.parse(listed.stdout) as { approvals: Array<{ id: string }> }).approvals.map((approval) => approval.id);
}

async function firstPending(env: Record<string, string>): Promise<string> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const [id] = await pendingIds(env);
    if (id !== undefined) return id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("no pending approval appeared");
}

/** An `mc` child that keeps running: its output so far, and its end. */
function startMc(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [MC_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildResult & { at: number }>((resolve) => child.once("close", (exitCode) => resolve({ exitCode, stdout, stderr, at: Date.now() })));
  return { child, done, output: () => stdout, errors: () => stderr };
}

/** A directory with an `mc` on it, as an operator's PATH has. */
function operatorPath(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "mc"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(MC_BIN)} "$@"\n`);
  chmodSync(join(bin, "mc"), 0o755);
  return `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`;
}

describe("approvals through the real mc", () => {
  it("should print an approve_with that works as printed from an operator's shell with another state dir, quoting the path", async () => {
    const { dir, env, configFile } = setup();
    const asked = await runMc([...writeArgs(configFile, "[main]\nname = demo\nport = 9090\n"), "--json"], env);
    expect(asked.exitCode, asked.stderr).toBe(3);
    const pending = JSON.parse(asked.stdout) as { approval_id: string; approve_with: string };
    expect(pending.approve_with).toBe(`MC_STATE_DIR='${dir}/state dir '\\''of'\\'' mc' mc approvals approve ${pending.approval_id}`);
    // The operator's shell: another HOME, no MC_* variables; the command is pasted as printed.
    const operatorHome = tempDir("mc-operator-");
    const approved = await run("/bin/sh", ["-c", pending.approve_with], { env: { PATH: operatorPath(operatorHome), HOME: operatorHome, LANG: "C.UTF-8" } });
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`approved ${pending.approval_id}: write_config_file`);
    expect(existsSync(join(operatorHome, ".local"))).toBe(false);
    const ran = await runMc(
      [
        ...writeArgs(configFile, "[main]\nname = demo\nport = 9090\n").slice(0, 2),
        "--json-args",
        JSON.stringify({ path: configFile, content: "[main]\nname = demo\nport = 9090\n", target: "app", approval_id: pending.approval_id }),
      ],
      env,
    );
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(readFileSync(configFile, "utf8")).toBe("[main]\nname = demo\nport = 9090\n");
  });

  it("should refuse an unknown id in a state dir with no database, naming it, and create nothing", async () => {
    const { dir } = setup();
    const elsewhere = join(dir, "elsewhere");
    for (const action of ["approve", "reject", "show"]) {
      const result = await runMc(["--state-dir", elsewhere, "approvals", action, "apr_0123456789abcdef"], childEnv({ HOME: dir }));
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`no approval database at ${elsewhere}/mc.sqlite3`);
      expect(existsSync(elsewhere)).toBe(false);
    }
  });

  it("should name the database when an id is unknown in an existing one", async () => {
    const { env, configFile, stateDir } = setup();
    expect((await runMc(writeArgs(configFile, "[main]\nport = 1\n"), env)).exitCode).toBe(3);
    const result = await runMc(["approvals", "approve", "apr_0123456789abcdef"], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`no approval with id "apr_0123456789abcdef" in ${stateDir}/mc.sqlite3`);
  });

  it("should refuse invalid content before any approval is created (CLI)", async () => {
    const { env, configFile } = setup();
    const result = await runMc([...writeArgs(configFile, "[main\nname = broken\n"), "--json"], env);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, status: "error", code: "input_invalid" });
    expect(await pendingIds(env)).toStrictEqual([]);
  });

  it("should show a config write as a unified diff against the file as it is now, and a restore as the diff to the backup", async () => {
    const { env, configFile } = setup();
    const newContent = "[main]\nname = demo\nport = 9090\n";
    const asked = JSON.parse((await runMc([...writeArgs(configFile, newContent), "--json"], env)).stdout) as { approval_id: string };
    const shown = await runMc(["approvals", "show", asked.approval_id], env);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`--- ${configFile}  current\n+++ ${configFile}  new\n`);
    expect(shown.stdout).toContain(" [main]\n name = demo\n-port = 8080\n+port = 9090\n");
    expect(shown.stdout).toContain("<31 bytes: see the diff below>");
    const json = JSON.parse((await runMc(["approvals", "show", asked.approval_id, "--json"], env)).stdout) as { diff: string };
    expect(json.diff).toContain("-port = 8080\n+port = 9090\n");

    // Approve and run it; its backup holds the original. A restore of that backup shows the way back.
    expect((await runMc(["approvals", "approve", asked.approval_id], env)).exitCode).toBe(0);
    const written = await runMc(
      [
        ...writeArgs(configFile, newContent).slice(0, 2),
        "--json-args",
        JSON.stringify({ path: configFile, content: newContent, target: "app", approval_id: asked.approval_id }),
        "--json",
      ],
      env,
    );
    const backupId = (JSON.parse(written.stdout) as { output: { backup_id: string } }).output.backup_id;
    const restore = await runMc(
      ["tool", "restore_config_backup", "--json-args", JSON.stringify({ path: configFile, backup_id: backupId, target: "app" }), "--json"],
      env,
    );
    const restoreId = (JSON.parse(restore.stdout) as { approval_id: string }).approval_id;
    const restoreShown = await runMc(["approvals", "show", restoreId], env);
    expect(restoreShown.stdout).toContain(`+++ ${configFile}  backup ${backupId}\n`);
    expect(restoreShown.stdout).toContain("-port = 9090\n+port = 8080\n");
  });

  it("should ask y/N at a terminal before approving, showing the diff; --yes and a non-terminal do not ask", async () => {
    const { env, configFile } = setup();
    const asked = JSON.parse((await runMc([...writeArgs(configFile, "[main]\nport = 1\n"), "--json"], env)).stdout) as { approval_id: string };
    // `script` gives mc a pseudo-terminal; the answer comes from the pipe.
    const atTerminal = (answer: string, id = asked.approval_id, extra = "") =>
      new Promise<ChildResult>((resolve) => {
        const child = spawn("script", ["-qec", `${process.execPath} ${MC_BIN} approvals approve ${id}${extra}`, "/dev/null"], {
          env,
          stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.once("close", (exitCode) => resolve({ exitCode, stdout, stderr: "" }));
        setTimeout(() => child.stdin.end(answer), 1500);
      });
    const declined = await atTerminal("n\n");
    expect(declined.stdout).toContain("-port = 8080");
    expect(declined.stdout).toContain(`approve write_config_file ${asked.approval_id}? [y/N]`);
    expect(declined.stdout).toContain("not approved");
    expect(await pendingIds(env)).toStrictEqual([asked.approval_id]);
    const accepted = await atTerminal("y\n");
    expect(accepted.stdout).toContain(`approved ${asked.approval_id}`);
    expect(await pendingIds(env)).toStrictEqual([]);
    const other = JSON.parse((await runMc([...writeArgs(configFile, "[main]\nport = 2\n"), "--json"], env)).stdout) as { approval_id: string };
    const withYes = await atTerminal("", other.approval_id, " --yes");
    expect(withYes.stdout).not.toContain("[y/N]");
    expect(withYes.stdout).toContain(`approved ${other.approval_id}`);
  });

  it("should keep a --wait call open until another process approves, then run it at once", async () => {
    const { env, configFile } = setup();
    const waiting = startMc([...writeArgs(configFile, "[main]\nport = 7070\n"), "--wait", "120", "--json"], env);
    const id = await firstPending(env);
    expect(readFileSync(configFile, "utf8")).toContain("port = 8080");
    const approve = await runMc(["approvals", "approve", id], env);
    const approvedAt = Date.now();
    expect(approve.exitCode, approve.stderr).toBe(0);
    const result = await waiting.done;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, tool: "write_config_file", output: { written: true } });
    expect(result.stderr).toContain(`waiting for approval ${id} — run: MC_STATE_DIR=`);
    // It ended after the approval and long before its 120 s limit (a generous bound, not a timing test).
    expect(result.at).toBeGreaterThanOrEqual(approvedAt);
    expect(result.at - approvedAt).toBeLessThan(30_000);
    expect(readFileSync(configFile, "utf8")).toBe("[main]\nport = 7070\n");
  });

  it("should return a rejection's note to the waiting call and to the same call repeated", async () => {
    const { env, configFile } = setup();
    const waiting = startMc([...writeArgs(configFile, "[main]\nport = 6060\n"), "--wait", "600"], env);
    const id = await firstPending(env);
    expect((await runMc(["approvals", "reject", id, "--note", "port 6060 is the metrics port"], env)).exitCode).toBe(0);
    const result = await waiting.done;
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`denied (approval_rejected): Approval ${id} was rejected by`);
    expect(result.stdout).toContain('note: "port 6060 is the metrics port"');
    const again = await runMc(writeArgs(configFile, "[main]\nport = 6060\n"), env);
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toContain('note: "port 6060 is the metrics port"');
    expect(await pendingIds(env)).toStrictEqual([]);
    expect(readFileSync(configFile, "utf8")).toContain("port = 8080");
  });

  it("should stream new requests with `approvals watch`, escaped, and exit 0 on Ctrl-C", async () => {
    const { env, configFile } = setup("state");
    expect((await runMc(writeArgs(configFile, "[main]\nport = 1\n"), env)).exitCode).toBe(3);
    const watch = startMc(["approvals", "watch"], env);
    const first = await firstPending(env);
    const seen = async (text: string) => {
      for (let attempt = 0; attempt < 300 && !watch.output().includes(text); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      return watch.output();
    };
    expect(await seen(first)).toContain(`approve: MC_STATE_DIR=`);
    const second = await runMc([...writeArgs(configFile, "[main]\nport = 2\n"), "--json"], env);
    const secondId = (JSON.parse(second.stdout) as { approval_id: string }).approval_id;
    expect(await seen(secondId)).toContain(`${secondId}  write_config_file`);
    watch.child.kill("SIGINT");
    const ended = await watch.done;
    expect(ended.exitCode).toBe(0);
  });

  it("should stream `approvals watch --json` as one snake_case JSON object per line, the tool's arguments exact", async () => {
    const { env, configFile } = setup("state");
    const content = "[main]\nport = 1\n";
    const asked = await runMc([...writeArgs(configFile, content), "--json"], env);
    expect(asked.exitCode, asked.stderr).toBe(3);
    const id = (JSON.parse(asked.stdout) as { approval_id: string }).approval_id;
    const watch = startMc(["approvals", "watch", "--json"], env);
    for (let attempt = 0; attempt < 300 && !watch.output().includes("\n"); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    watch.child.kill("SIGINT");
    const ended = await watch.done;
    expect(ended.exitCode, ended.stderr).toBe(0);
    const lines = ended.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? "") as { approval: Record<string, unknown>; approve_with: unknown };
    expect(Object.keys(record).sort()).toStrictEqual(["approval", "approve_with"]);
    expect(typeof record.approve_with).toBe("string");
    expect(record.approval.id).toBe(id);
    expect(record.approval).toHaveProperty("created_at");
    expect(record.approval).toHaveProperty("expires_at");
    // Every key of mc's record is snake_case; the tool's arguments are the call's, byte for byte.
    const keys = (value: unknown): string[] =>
      value === null || typeof value !== "object" ? [] : Object.entries(value).flatMap(([key, inner]) => (key === "arguments" ? [key] : [key, ...keys(inner)]));
    expect(keys(record).filter((key) => !/^[a-z0-9_]+$/u.test(key))).toStrictEqual([]);
    expect(record.approval.arguments).toStrictEqual({ path: configFile, content, target: "app", dry_run: false });
  });
});

describe("approvals over MCP (mc mcp serve, SDK client)", () => {
  async function connect(env: Record<string, string>) {
    const client = new Client({ name: "approval-flow-test", version: "1.0.0" });
    const transport = new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" });
    await client.connect(transport);
    return client;
  }

  it("should keep a call with approval_wait_s open with progress notifications, and run it once approved from another process", async () => {
    const { env, configFile } = setup();
    const client = await connect(env);
    try {
      const progress: string[] = [];
      const call = client
        .callTool(
          { name: "write_config_file", arguments: { path: configFile, content: "[main]\nport = 5050\n", target: "app", approval_wait_s: 120 } },
          { onprogress: (event) => progress.push(event.message ?? ""), timeout: 300_000 },
        )
        .then((result) => ({ result, at: Date.now() }));
      const id = await firstPending(env);
      const approve = await runMc(["approvals", "approve", id, "--note", "ok for the test"], env);
      const approvedAt = Date.now();
      expect(approve.exitCode, approve.stderr).toBe(0);
      const { result, at } = await call;
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ written: true, path: configFile });
      expect(at).toBeGreaterThanOrEqual(approvedAt);
      expect(at - approvedAt).toBeLessThan(30_000);
      expect(progress[0]).toMatch(new RegExp(`^waiting for approval ${id} — run: MC_STATE_DIR='.*' mc approvals approve ${id}$`));
      expect(readFileSync(configFile, "utf8")).toBe("[main]\nport = 5050\n");
    } finally {
      await client.close();
    }
  });

  it("should return a rejection with its note at once, and again for the same call", async () => {
    const { env, configFile } = setup();
    const client = await connect(env);
    try {
      const args = { path: configFile, content: "[main]\nport = 4040\n", target: "app" };
      const call = client.callTool({ name: "write_config_file", arguments: { ...args, approval_wait_s: 600 } }, { timeout: 900_000 });
      const id = await firstPending(env);
      expect((await runMc(["approvals", "reject", id, "--note", "use the staging host"], env)).exitCode).toBe(0);
      const result = await call;
      expect(result.isError).toBe(true);
      expect(result._meta).toMatchObject({ "mc/status": "denied", "mc/code": "approval_rejected" });
      expect((result.content[0] as { text: string }).text).toContain('note: "use the staging host"');
      const again = await client.callTool({ name: "write_config_file", arguments: args });
      expect((again.content[0] as { text: string }).text).toContain('note: "use the staging host"');
      const withId = await client.callTool({ name: "write_config_file", arguments: { ...args, approval_id: id } });
      expect((withId.content[0] as { text: string }).text).toContain('note: "use the staging host"');
      expect(await pendingIds(env)).toStrictEqual([]);
    } finally {
      await client.close();
    }
  });

  it("should refuse invalid content before any approval is created (MCP)", async () => {
    const { env, configFile } = setup();
    const client = await connect(env);
    try {
      const result = await client.callTool({
        name: "write_config_file",
        arguments: { path: configFile, content: "[main\n", target: "app", approval_wait_s: 30 },
      });
      expect(result.isError).toBe(true);
      expect(result._meta).toMatchObject({ "mc/status": "error", "mc/code": "input_invalid" });
      expect(await pendingIds(env)).toStrictEqual([]);
    } finally {
      await client.close();
    }
  });
});
