// Every call appears once in the audit journal, and `mc audit verify` exits 1 when a
// row was edited or deleted behind mc's back.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const run = promisify(execFile);
// The raw SQL client the store itself uses (a dependency of @mc/approvals), to tamper as an
// attacker with file access would.
const { createClient } = createRequire(fileURLToPath(new URL("../../approvals/package.json", import.meta.url)))("@libsql/client") as {
  createClient: (config: { url: string }) => { execute: (sql: string) => Promise<unknown>; close: () => void };
};

describe("mc audit verify against tampering", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function journal() {
    const dir = mkdtempSync(join(tmpdir(), "mc-tamper-"));
    dirs.push(dir);
    writeFileSync(join(dir, "policy.toml"), "version = 1\n[tools.system_info]\nenabled = false\n");
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: dir };
    const mc = (...args: string[]) =>
      run(process.execPath, [MC_BIN, ...args], { env }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    await mc("tool", "memory_usage"); // ok
    await mc("tool", "system_info"); // denied
    await mc("tool", "top_processes", "--arg", "limit=99"); // input error
    await mc("tool", "restart_service", "--arg", "unit=x.service"); // pending
    await mc("tool", "disk_usage", "--arg", "path=/"); // ok
    return { dir, mc };
  }

  it("should hold every call once, then verify", async () => {
    const { mc } = await journal();
    const listed = (await mc("audit", "list", "--json")) as { stdout: string };
    const { events } = JSON.parse(listed.stdout) as { events: Array<{ tool: string; outcome: string; caller: string }> };
    expect(events.map((event) => [event.tool, event.outcome]).reverse()).toStrictEqual([
      ["memory_usage", "ok"],
      ["system_info", "denied"],
      ["top_processes", "error"],
      ["restart_service", "pending"],
      ["disk_usage", "ok"],
    ]);
    expect(events.every((event) => event.caller === "cli")).toBe(true);
    expect(await mc("audit", "verify")).toMatchObject({ stdout: expect.stringContaining("5 events verified") });
  });

  it("should exit 1 naming the event when a row was edited", async () => {
    const { dir, mc } = await journal();
    const client = createClient({ url: `file:${join(dir, "mc.sqlite3")}` });
    await client.execute("UPDATE audit_events SET outcome = 'ok', reason = 'nothing to see' WHERE seq = 2");
    client.close();
    const result = (await mc("audit", "verify", "--json")) as { code?: number; stdout: string };
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, problems: [{ seq: 2 }] });
  });

  it("should exit 1 when a row in the middle or the last row was deleted", async () => {
    const { dir, mc } = await journal();
    const client = createClient({ url: `file:${join(dir, "mc.sqlite3")}` });
    await client.execute("DELETE FROM audit_events WHERE seq = 3");
    client.close();
    expect(await mc("audit", "verify")).toMatchObject({ code: 1 });

    const second = await journal();
    const other = createClient({ url: `file:${join(second.dir, "mc.sqlite3")}` });
    await other.execute("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)");
    other.close();
    expect(await second.mc("audit", "verify")).toMatchObject({ code: 1 });
  });
});
