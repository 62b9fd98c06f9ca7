import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "./cli.js";
import type { CliIo } from "./io.js";

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("main", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function run(argv: string[], options: { policy?: string; tty?: boolean } = {}) {
    const dir = mkdtempSync(join(tmpdir(), "mc-cli-"));
    dirs.push(dir);
    if (options.policy !== undefined) writeFileSync(join(dir, "policy.toml"), options.policy);
    const stdout = capture();
    const stderr = capture();
    const io: CliIo = { stdout: stdout.stream, stderr: stderr.stream, env: { MC_STATE_DIR: dir, HOME: dir }, stdinIsTty: options.tty ?? false };
    const code = await main(argv, io);
    return { code, stdout: stdout.text(), stderr: stderr.text(), dir };
  }

  it("should print the version", async () => {
    const result = await run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("should exit 2 for an unknown command, an unknown option and a missing argument", async () => {
    expect((await run(["frobnicate"])).code).toBe(2);
    expect((await run(["tools", "--frob"])).code).toBe(2);
    const missing = await run(["tool"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument");
  });

  it("should report a usage error as JSON with --json", async () => {
    const result = await run(["tool", "no_such_tool", "--json"]);
    expect(result.code).toBe(2);
    // The shape of a tool's error result: ok false, status "error", code, message.
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, status: "error", code: "usage", message: expect.stringContaining("no_such_tool") as unknown });
  });

  it("should list tools as JSON with their schemas and policy state", async () => {
    const result = await run(["tools", "--json"]);
    expect(result.code).toBe(0);
    const { tools } = JSON.parse(result.stdout) as {
      tools: Array<{ name: string; risk: string; requires_confirmation: boolean; input_schema: { additionalProperties?: boolean } }>;
    };
    expect(tools.find((tool) => tool.name === "restart_service")).toMatchObject({ risk: "privileged", requires_confirmation: true });
    expect(tools.find((tool) => tool.name === "memory_usage")).toMatchObject({ risk: "read_only", requires_confirmation: false });
    // One key casing (snake_case) for mc's records; a JSON Schema keeps its own keywords.
    for (const tool of tools) expect(Object.keys(tool).filter((key) => !/^[a-z0-9_]+$/.test(key))).toStrictEqual([]);
    expect(tools.find((tool) => tool.name === "memory_usage")?.input_schema.additionalProperties).toBe(false);
  });

  it("should run a read-only tool and print its output as JSON", async () => {
    const result = await run(["tool", "memory_usage", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, tool: "memory_usage", output: { total_bytes: expect.any(Number) } });
  });

  it("should type --arg values by the tool's schema and exit 2 for a bad one", async () => {
    const ok = await run(["tool", "top_processes", "--arg", "limit=2", "--json"]);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { output: { processes: unknown[] } }).output.processes).toHaveLength(2);
    const range = await run(["tool", "top_processes", "--arg", "limit=99", "--json"]);
    expect(range.code).toBe(2);
    expect(JSON.parse(range.stdout)).toMatchObject({ ok: false, status: "error", code: "input_invalid" });
    expect((await run(["tool", "top_processes", "--arg", "limit"])).code).toBe(2);
    expect((await run(["tool", "top_processes", "--json-args", "[1]"])).code).toBe(2);
    expect((await run(["tool", "top_processes", "--json-args", "{bad"])).code).toBe(2);
  });

  it("should exit 3 with the approve command for a call that needs approval", async () => {
    const result = await run(["tool", "restart_service", "--arg", "unit=nginx.service"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/mc approvals approve apr_[a-z0-9]+/);
  });

  it("should print every --json result with snake_case keys: ok, approval required, a tool error", async () => {
    const keysOf = (text: string) => Object.keys(JSON.parse(text) as Record<string, unknown>).sort();
    expect(keysOf((await run(["tool", "memory_usage", "--json"])).stdout)).toStrictEqual(["ok", "output", "tool"]);
    const pending = await run(["tool", "restart_service", "--arg", "unit=nginx.service", "--json"]);
    expect(keysOf(pending.stdout)).toEqual(expect.arrayContaining(["approval_id", "expires_at", "approve_with", "duration_ms", "ok", "status"]));
    const failed = await run(["tool", "top_processes", "--json-args", '{"limt":3}', "--json"]);
    const error = JSON.parse(failed.stdout) as Record<string, unknown>;
    expect(error).toMatchObject({
      ok: false,
      status: "error",
      code: "input_invalid",
      message: "Invalid arguments for top_processes: unknown argument limt — did you mean limit?",
    });
    for (const text of [pending.stdout, failed.stdout]) expect(keysOf(text).filter((key) => !/^[a-z0-9_]+$/.test(key))).toStrictEqual([]);
  });

  it("should refuse --yes without an interactive terminal", async () => {
    const result = await run(["tool", "restart_service", "--arg", "unit=nginx.service", "--yes"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("interactive terminal");
  });

  it("should exit 1 for a denial", async () => {
    const result = await run(["tool", "memory_usage"], { policy: "version = 1\n[tools.memory_usage]\nenabled = false\n" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("tool_disabled");
  });

  it("should exit 1 from doctor and deny every tool when the policy does not load", async () => {
    const policy = 'version = 1\n[tools.restart_service]\nallowed_scopes = ["root"]\n';
    const doctor = await run(["doctor"], { policy });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/policy\.toml:3:\d+: tools\.restart_service\.allowed_scopes\[0\]/);
    const call = await run(["tool", "memory_usage", "--json"], { policy });
    expect(call.code).toBe(1);
    expect(JSON.parse(call.stdout)).toMatchObject({ status: "denied", code: "policy_load_error" });
  });

  it("should write a policy template that passes its own check, and never overwrite one", async () => {
    const init = await run(["policy", "init"]);
    expect(init.code).toBe(0);
    const path = join(init.dir, "policy.toml");
    const template = readFileSync(path, "utf8");
    expect(template).toContain("[tools.restart_service]");
    const stdout = capture();
    const io: CliIo = { stdout: stdout.stream, stderr: capture().stream, env: { MC_STATE_DIR: init.dir, HOME: init.dir }, stdinIsTty: false };
    expect(await main(["policy", "check", path, "--json"], io)).toBe(0);
    expect(JSON.parse(stdout.text())).toMatchObject({ ok: true, errors: [] });
    expect(await main(["policy", "init"], io)).toBe(1);
    expect(readFileSync(path, "utf8")).toBe(template);
  });

  it("should name file, line and column when a policy check fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-cli-check-"));
    dirs.push(dir);
    writeFileSync(join(dir, "bad.toml"), "version = 1\n[tools.memory_usage]\nenabled = 'yes'\n");
    const stdout = capture();
    const io: CliIo = { stdout: stdout.stream, stderr: capture().stream, env: { MC_STATE_DIR: dir, HOME: dir }, stdinIsTty: false };
    expect(await main(["policy", "check", join(dir, "bad.toml")], io)).toBe(1);
    expect(stdout.text()).toMatch(/bad\.toml:3:\d+: tools\.memory_usage\.enabled/);
  });

  it("should keep each policy diagnostic on its own line when the file's path holds newlines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-cli-check-"));
    dirs.push(dir);
    // The path is part of every message, unquoted: its newline must not start a line of its own.
    const evil = join(dir, "x\npolicy.toml: ok\nwarning: all tools allowed");
    mkdirSync(evil);
    writeFileSync(join(evil, "bad.toml"), "version = 1\n[tools.memory_usage]\nenabled = 'yes'\n");
    const stdout = capture();
    const io: CliIo = { stdout: stdout.stream, stderr: capture().stream, env: { MC_STATE_DIR: dir, HOME: dir }, stdinIsTty: false };
    expect(await main(["policy", "check", join(evil, "bad.toml")], io)).toBe(1);
    const lines = stdout.text().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: .*x\\npolicy\.toml: ok\\nwarning: all tools allowed\/bad\.toml:3:\d+: tools\.memory_usage\.enabled/);
    expect(lines[1]).toMatch(/^\/.*x\\npolicy\.toml: ok\\nwarning: all tools allowed\/bad\.toml: 1 error\(s\); with this file every tool is denied$/);
  });

  it("should approve out of band and record the approver, then verify the audit chain", async () => {
    const pending = await run(["tool", "restart_service", "--arg", "unit=nginx.service", "--json"]);
    const { approval_id: id } = JSON.parse(pending.stdout) as { approval_id: string };
    const io = (out: Writable): CliIo => ({ stdout: out, stderr: capture().stream, env: { MC_STATE_DIR: pending.dir, HOME: pending.dir }, stdinIsTty: false });
    const listed = capture();
    expect(await main(["approvals", "list", "--status", "pending", "--json"], io(listed.stream))).toBe(0);
    expect((JSON.parse(listed.text()) as { approvals: Array<{ id: string }> }).approvals.map((approval) => approval.id)).toStrictEqual([id]);
    const approved = capture();
    expect(await main(["approvals", "approve", id, "--note", "planned", "--json"], io(approved.stream))).toBe(0);
    expect(JSON.parse(approved.text())).toMatchObject({ ok: true, approval: { id, status: "approved", decision_note: "planned" } });
    // A second decision on the same request is refused.
    expect(await main(["approvals", "reject", id], io(capture().stream))).toBe(1);
    expect(await main(["approvals", "show", "apr_doesnotexist0000"], io(capture().stream))).toBe(1);
    expect(await main(["approvals", "list", "--status", "bogus"], io(capture().stream))).toBe(2);
    const audit = capture();
    expect(await main(["audit", "list", "--json"], io(audit.stream))).toBe(0);
    expect((JSON.parse(audit.text()) as { events: Array<{ tool: string; outcome: string }> }).events).toMatchObject([
      { tool: "restart_service", decision: "approved", outcome: "ok" },
      { tool: "restart_service", outcome: "pending" },
    ]);
    const verify = capture();
    expect(await main(["audit", "verify", "--json"], io(verify.stream))).toBe(0);
    expect(JSON.parse(verify.text())).toMatchObject({ ok: true, checked: 2 });
  });
});
