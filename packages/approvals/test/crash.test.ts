import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/open-store.js";
import { PACKAGE_DIR, tempDirectory } from "../src/test-support.js";

describe("an executor killed mid-execution", () => {
  it("should be recovered as failed: interrupted and never claimed again", async () => {
    const databasePath = join(tempDirectory(), "mc.sqlite3");
    const store = await openStore({ path: databasePath });
    const args = { unit: "app-crash.service", scope: "system" };
    const { approval } = await store.requestApproval({ tool: "restart_service", arguments: args, requester: { caller: "mcp", clientName: "claude" } });
    await store.approve(approval.id, { approver: "alice" });

    const child = execa(process.execPath, [join(PACKAGE_DIR, "test", "fixtures", "crash-worker.mjs"), databasePath, approval.id], {
      cwd: PACKAGE_DIR,
      buffer: false,
    });
    const claimLine = await new Promise<string>((resolve, reject) => {
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("\n")) {
          resolve(output.trim());
        }
      });
      child.catch(reject);
    });
    expect(JSON.parse(claimLine)).toMatchObject({ claimed: true, approval: { id: approval.id, executor: { pid: child.pid } } });

    // While the owner lives, recovery leaves the row alone.
    expect(await store.recoverInterrupted()).toStrictEqual([]);
    child.kill("SIGKILL");
    const exit = await child.catch((error: unknown) => error);
    expect(exit).toMatchObject({ signal: "SIGKILL" });
    expect((await store.require(approval.id)).status).toBe("executing");

    const recovered = await store.recoverInterrupted();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ id: approval.id, status: "failed", error: "interrupted" });
    expect(await store.claim({ id: approval.id, tool: "restart_service", arguments: args })).toMatchObject({ claimed: false, refusal: "already_used" });
    expect(await store.list({ status: "executing" })).toStrictEqual([]);
    store.close();
  });
});
