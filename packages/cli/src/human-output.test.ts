import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "./cli.js";
import type { CliIo } from "./io.js";
import { STYLE_SEQUENCES } from "./terminal-style.js";
import { hasUnsafeTerminalText } from "./terminal-text.js";

const OWN = Object.values(STYLE_SEQUENCES).flat();

function capture(isTTY: boolean): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => chunks.join("") };
}

function withoutOwnSequences(text: string): string {
  return OWN.reduce((rest, sequence) => rest.split(sequence).join(""), text);
}

describe("human output", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function run(argv: string[], env: Record<string, string>, tty: boolean, policy?: string) {
    const dir = mkdtempSync(join(tmpdir(), "mc-human-"));
    dirs.push(dir);
    if (policy !== undefined) writeFileSync(join(dir, "policy.toml"), policy);
    const stdout = capture(tty);
    const stderr = capture(false);
    const io: CliIo = { stdout: stdout.stream, stderr: stderr.stream, env: { MC_STATE_DIR: dir, HOME: dir, ...env }, stdinIsTty: false };
    const code = await main(argv, io);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it("should list tools as a table with a header and a summary, without colour in a pipe", async () => {
    const result = await run(["tools"], {}, false);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TOOL +RISK +POLICY +TITLE$/);
    expect(lines.at(-1)).toMatch(/^\d+ tools, \d+ enabled$/);
    expect(result.stdout).not.toContain("\u001b");
    // Every row's columns start where the header's do.
    const riskColumn = lines[0]?.indexOf("RISK") ?? -1;
    for (const line of lines.slice(1, -1)) expect(line.slice(riskColumn)).toMatch(/^(read_only|mutating_safe|privileged) /);
  });

  it("should colour on a terminal, with mc's own SGR pairs only", async () => {
    const result = await run(["tools"], {}, true);
    expect(result.stdout).toContain(STYLE_SEQUENCES.bold[0]);
    expect(hasUnsafeTerminalText(withoutOwnSequences(result.stdout))).toBe(false);
  });

  it("should not colour under NO_COLOR, even on a terminal, and colour a pipe under FORCE_COLOR", async () => {
    expect((await run(["tools"], { NO_COLOR: "1" }, true)).stdout).not.toContain("\u001b");
    expect((await run(["tools"], { FORCE_COLOR: "1" }, false)).stdout).toContain(STYLE_SEQUENCES.bold[0]);
  });

  it("should list audit events as a table and filter them by --since/--until (ISO or an age)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-human-audit-"));
    dirs.push(dir);
    const env = { MC_STATE_DIR: dir, HOME: dir };
    const runIn = async (argv: string[]) => {
      const stdout = capture(false);
      const stderr = capture(false);
      const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, env, stdinIsTty: false });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    };
    expect((await runIn(["tool", "memory_usage"])).code).toBe(0);
    expect((await runIn(["tool", "disk_usage", "--arg", "limt=3"])).code).toBe(2);
    const all = await runIn(["audit", "list", "--since", "1h"]);
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^HOST +SEQ +TIME +CALLER +TOOL +OUTCOME +REASON$/);
    expect(lines.slice(1, -1).map((line) => / (memory_usage|disk_usage) +(ok|error) /.exec(line)?.slice(1))).toStrictEqual([
      ["disk_usage", "error"],
      ["memory_usage", "ok"],
    ]);
    expect(lines.at(-1)).toBe("2 events");
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await runIn(["audit", "list", "--since", future])).stdout).toBe("no audit events\n");
    expect((await runIn(["audit", "list", "--until", "1d"])).stdout).toBe("no audit events\n");
    const json = JSON.parse((await runIn(["audit", "list", "--until", future, "--json"])).stdout) as { events: unknown[] };
    expect(json.events).toHaveLength(2);
    const bad = await runIn(["audit", "list", "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since must be an ISO time");
  });

  it("should show doctor's checks as an aligned table, a hostile policy path escaped with colour on", async () => {
    const result = await run(["doctor", "--policy", "/nonexistent/\u001b[2J\u202epolicy.toml"], { FORCE_COLOR: "1" }, false);
    const plain = withoutOwnSequences(result.stdout);
    expect(hasUnsafeTerminalText(plain)).toBe(false);
    const lines = plain.split("\n");
    expect(lines[0]).toMatch(/^STATUS +CHECK +MESSAGE$/);
    const messageColumn = lines[0]?.indexOf("MESSAGE") ?? -1;
    expect(lines.find((line) => line.startsWith("FAIL"))?.slice(messageColumn - 2, messageColumn)).toBe("  ");
    expect(plain).toContain("doctor: NOT OK");
    expect(result.stdout).toContain(`${STYLE_SEQUENCES.red[0]}FAIL${STYLE_SEQUENCES.red[1]}`);
  });
});
