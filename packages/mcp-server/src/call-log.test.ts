// The MCP logging capability — logging/setLevel, a notice for a call that ends
// waiting for approval, and "still running" notices for a slow action.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createRuntime, type Runtime } from "@mc/runtime";
import { harnessForTests } from "@mc/systemd-harness";
import { afterEach, describe, expect, it } from "vitest";
import { serveHttp } from "./http-server.js";

const TOKEN = "call-log-test-token-0123456789abcdef";
const harness = await harnessForTests();
const SLOW_UNIT = "mc-w2e-log-slow.service";

interface LogNotice {
  level: string;
  logger?: string;
  data: Record<string, unknown>;
}

describe("MCP logging capability", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(
    options: { policy?: string; commandPrefix?: readonly string[]; slowCallNoticeMs?: number } = {},
  ): Promise<{ runtime: Runtime; client: Client; notices: LogNotice[] }> {
    const dir = mkdtempSync(join(tmpdir(), "mc-call-log-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    if (options.policy !== undefined) writeFileSync(join(dir, "policy.toml"), options.policy);
    const runtime = createRuntime({
      stateDir: dir,
      policyPath: join(dir, "policy.toml"),
      env: {},
      ...(options.commandPrefix ? { commandPrefix: options.commandPrefix } : {}),
    });
    cleanups.push(() => runtime.close());
    const server = await serveHttp(runtime, {
      port: 0,
      token: TOKEN,
      version: "0.0.0-test",
      ...(options.slowCallNoticeMs ? { slowCallNoticeMs: options.slowCallNoticeMs } : {}),
    });
    cleanups.push(() => server.close());
    const client = new Client({ name: "log-test", version: "1.0.0" });
    const notices: LogNotice[] = [];
    client.setNotificationHandler("notifications/message", (notification) => {
      notices.push(notification.params as LogNotice);
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    cleanups.push(() => client.close());
    return { runtime, client, notices };
  }

  it("should declare logging and accept logging/setLevel", async () => {
    const { client } = await start();
    expect(client.getServerCapabilities()?.logging).toStrictEqual({});
    await expect(client.setLoggingLevel("debug")).resolves.toStrictEqual({});
  });

  it("should send a notice naming the approve command when a call waits for approval, above the level only", async () => {
    const { client, notices } = await start();
    await client.setLoggingLevel("info");
    const result = await client.callTool({ name: "restart_service", arguments: { unit: "mc-w2e-nothing.service" } });
    const pending = result.structuredContent as { status: string; approval_id: string; approve_with: string };
    expect(pending.status).toBe("approval_required");
    expect(notices).toStrictEqual([
      {
        level: "notice",
        logger: "mc",
        data: expect.objectContaining({
          tool: "restart_service",
          approval_id: pending.approval_id,
          approve_with: pending.approve_with,
          message: expect.stringContaining(pending.approve_with) as string,
        }) as Record<string, unknown>,
      },
    ]);
    // A level above notice silences it.
    await client.setLoggingLevel("warning");
    await client.callTool({ name: "restart_service", arguments: { unit: "mc-w2e-nothing-2.service" } });
    expect(notices).toHaveLength(1);
  });

  it.skipIf(!harness.available)(
    "should report a slow action as still running while it runs",
    async () => {
      if (!harness.available) return;
      await harness.exec(["tee", `/run/systemd/system/${SLOW_UNIT}`], { input: "[Service]\nExecStart=/bin/sleep infinity\nExecStop=/bin/sleep 2\n" });
      await harness.exec(["systemctl", "daemon-reload"]);
      await harness.exec(["systemctl", "start", SLOW_UNIT]);
      cleanups.push(async () => {
        await harness.exec(["systemctl", "stop", SLOW_UNIT]);
        await harness.exec(["rm", "-f", `/run/systemd/system/${SLOW_UNIT}`]);
        await harness.exec(["systemctl", "daemon-reload"]);
        // A failed unit stays listed (failed_services counts it) until reset, even once its file is gone.
        await harness.exec(["systemctl", "reset-failed", SLOW_UNIT]);
      });
      // The stop takes 2 s by construction; notices start after 300 ms.
      const { runtime, client, notices } = await start({ commandPrefix: harness.prefix, slowCallNoticeMs: 300 });
      await client.setLoggingLevel("info");
      const pending = (await client.callTool({ name: "restart_service", arguments: { unit: SLOW_UNIT } })).structuredContent as { approval_id: string };
      await runtime.approvals.approve(pending.approval_id, { by: "test-operator", method: "embedded" });
      const done = await client.callTool({ name: "restart_service", arguments: { unit: SLOW_UNIT, approval_id: pending.approval_id } });
      expect((done.structuredContent as { status?: string; active_state?: string }).active_state).toBe("active");
      const running = notices.filter((notice) => notice.level === "info");
      expect(running.length).toBeGreaterThan(0);
      expect(running[0]?.data).toMatchObject({
        tool: "restart_service",
        message: expect.stringMatching(/^restart_service is still running after \d+ s$/) as string,
      });
    },
    60_000,
  );
});
