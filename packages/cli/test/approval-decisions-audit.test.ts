// Every human decision goes through the runtime and is one audit event: after `mc approvals
// approve` and `mc approvals reject` (real CLI subprocesses, real database), `mc audit list`
// shows each decision with its approver and method, and `mc audit verify` passes.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe("mc approvals approve|reject, then mc audit", () => {
  let dir: string;
  let mc: (...args: string[]) => Promise<Outcome>;
  const operator = userInfo().username;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mc-decisions-"));
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: dir };
    mc = (...args) =>
      run(process.execPath, [MC_BIN, ...args], { env }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function request(tool: string, unit: string): Promise<string> {
    const pending = await mc("tool", tool, "--arg", `unit=${unit}`, "--json");
    expect(pending.code).toBe(3);
    return (JSON.parse(pending.stdout) as { approval_id: string }).approval_id;
  }

  it("should list each decision with its approver and method, and verify the chain", async () => {
    const approved = await request("restart_service", "mc-approve.service");
    const rejected = await request("reload_service", "mc-reject.service");
    expect(await mc("approvals", "approve", approved, "--note", "change window")).toMatchObject({ code: 0 });
    expect(await mc("approvals", "reject", rejected)).toMatchObject({ code: 0 });

    // (--json keys are snake_case since the CLI's JSON output work; either spelling is accepted.)
    const listed = await mc("audit", "list", "--json");
    expect(listed.code).toBe(0);
    const { events } = JSON.parse(listed.stdout) as {
      events: Array<{ decision: string; approval_id?: string | null; approvalId?: string | null; caller: string; reason: string | null }>;
    };
    const decisions = events
      .filter((event) => event.decision === "approved" || event.decision === "rejected")
      .map((event) => [event.decision, event.approval_id ?? event.approvalId, event.caller, event.reason]);
    expect(decisions).toStrictEqual([
      ["rejected", rejected, "cli", `rejected by ${operator} via mc approvals reject (method cli)`],
      ["approved", approved, "cli", `approved by ${operator} via mc approvals approve (method cli): change window`],
    ]);

    // The human listing shows them too, approver included.
    const human = await mc("audit", "list");
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`approved by ${operator}`);
    expect(human.stdout).toContain(`rejected by ${operator}`);

    const verified = await mc("audit", "verify", "--json");
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checked: events.length });
  }, 120_000);
});
