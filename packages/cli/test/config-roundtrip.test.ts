// Managed config files through `mc mcp serve` as a subprocess — dry run diff, write
// (approved out of band by `mc approvals approve` in another process), read back, the backup
// listed by `mc config backups`, restore — and the refusals on the way.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const run = promisify(execFile);

describe("managed config round trip over MCP (subprocess)", () => {
  let dir: string;
  let root: string;
  let env: Record<string, string>;
  let client: Client;
  let transport: StdioClientTransport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-config-rt-"));
    root = join(dir, "app");
    mkdirSync(join(root, "conf.d"), { recursive: true });
    writeFileSync(join(root, "app.ini"), "[server]\nport = 8080\n");
    writeFileSync(join(dir, "outside.ini"), "[x]\na = 1\n");
    writeFileSync(
      join(dir, "policy.toml"),
      [
        "version = 1",
        "",
        "[[config_targets]]",
        'name = "app"',
        'description = "the app"',
        `roots = ["${root}"]`,
        'file_globs = ["*.ini", "conf.d/*.ini"]',
        'validator = "ini_parse"',
        "",
      ].join("\n"),
    );
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") };
    transport = new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" });
    client = new Client({ name: "config-roundtrip", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  const text = (result: Awaited<ReturnType<typeof call>>) => (result.content[0] as { text: string }).text;
  const mc = async (...args: string[]) => run(process.execPath, [MC_BIN, ...args], { env });

  it("should show a dry run's diff without approval, writing nothing", async () => {
    const result = await call("write_config_file", { path: join(root, "app.ini"), content: "[server]\nport = 9090\n", dry_run: true });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ written: false, dry_run: true, target: "app", validation: { ok: true } });
    expect((result.structuredContent as { diff: string }).diff).toMatch(/-port = 8080\n\+port = 9090/);
    expect(readFileSync(join(root, "app.ini"), "utf8")).toBe("[server]\nport = 8080\n");
  });

  it("should write after an out-of-band approval, read it back, list and restore its backup", async () => {
    const path = join(root, "app.ini");
    const args = { path, content: "[server]\nport = 9090\n" };
    const pending = await call("write_config_file", args);
    expect(pending.structuredContent).toMatchObject({ status: "approval_required" });
    const approvalId = (pending.structuredContent as { approval_id: string }).approval_id;
    expect(readFileSync(path, "utf8")).toBe("[server]\nport = 8080\n");

    await mc("approvals", "approve", approvalId);
    const written = await call("write_config_file", { ...args, approval_id: approvalId });
    expect(written.isError).toBeFalsy();
    const { backup_id: backupId, diff } = written.structuredContent as { backup_id: string; diff: string };
    expect(written.structuredContent).toMatchObject({ written: true, daemon_reload_needed: false });
    expect(diff).toContain("+port = 9090");

    const read = await call("read_config_file", { path });
    expect(read.structuredContent).toMatchObject({ content: "[server]\nport = 9090\n", target: "app" });

    const { stdout } = await mc("config", "backups", path, "--json");
    const listed = JSON.parse(stdout) as { backups: Array<{ backup_id: string }> };
    expect(listed.backups.map((backup) => backup.backup_id)).toContain(backupId);

    const restore = await call("restore_config_backup", { path, backup_id: backupId });
    expect(restore.structuredContent).toMatchObject({ status: "approval_required" });
    const restoreId = (restore.structuredContent as { approval_id: string }).approval_id;
    await mc("approvals", "approve", restoreId);
    const restored = await call("restore_config_backup", { path, backup_id: backupId, approval_id: restoreId });
    expect(restored.isError).toBeFalsy();
    expect(restored.structuredContent).toMatchObject({ restored_from: backupId });
    expect(readFileSync(path, "utf8")).toBe("[server]\nport = 8080\n");
  });

  it("should report invalid content in a dry run, refuse it for real before any approval with the validator's message, and write nothing", async () => {
    const path = join(root, "conf.d", "extra.ini");
    const args = { path, content: "[broken\nkey\n" };
    const dry = await call("write_config_file", { ...args, dry_run: true });
    expect(dry.structuredContent).toMatchObject({ written: false, validation: { ok: false, validator: "ini_parse", message: expect.any(String) } });
    // Content that can never be written is an input error now: no approval is queued for it.
    const refused = await call("write_config_file", args);
    expect(refused.isError).toBe(true);
    expect(refused._meta).toMatchObject({ "mc/code": "input_invalid" });
    expect(text(refused)).toMatch(/failed validation \(ini_parse\).*no approval was requested/);
    expect(readdirSync(join(root, "conf.d"))).toStrictEqual([]);
    const { stdout } = await mc("approvals", "list", "--status", "pending", "--json");
    expect(JSON.parse(stdout)).toMatchObject({ approvals: [] });
  });

  it("should refuse a path outside every root and one matching no glob, naming the rule", async () => {
    const outside = await call("read_config_file", { path: join(dir, "outside.ini") });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toContain("outside every config target root");
    const traversal = await call("read_config_file", { path: `${root}/../outside.ini` });
    expect(traversal.isError).toBe(true);
    writeFileSync(join(root, "notes.txt"), "x");
    const noGlob = await call("read_config_file", { path: join(root, "notes.txt") });
    expect(noGlob.isError).toBe(true);
    expect(text(noGlob)).toContain("matches no file_globs");
  });

  it("should audit the writes with the content as a hash, never as text", async () => {
    const { stdout } = await mc("audit", "list", "--tool", "write_config_file", "--json");
    const { events } = JSON.parse(stdout) as { events: Array<{ arguments: { content?: unknown } }> };
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      if (event.arguments.content !== undefined)
        expect(event.arguments.content).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) });
    }
    expect(stdout).not.toContain("port = 9090");
    const verify = await mc("audit", "verify", "--json");
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });
});
