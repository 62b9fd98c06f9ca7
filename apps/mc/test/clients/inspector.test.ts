// The MCP Inspector's CLI mode (a client we did not write) against `mc mcp serve`, over stdio
// and over Streamable HTTP. Runs under Node 22, installed by inspector-cache.ts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { harnessForTests } from "@mc/systemd-harness";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureInspector, type InspectorInstall } from "./inspector-cache.js";
import { announcedUrl, childEnv, MC_BIN, run, tempDir } from "./support.js";

const harness = await harnessForTests();

describe("MCP Inspector CLI against mc mcp serve", () => {
  let install: InspectorInstall;
  beforeAll(async () => {
    install = await ensureInspector();
  }, 300_000);

  function setup(): { dir: string; serverEnv: Record<string, string> } {
    const dir = tempDir("mc-inspector-");
    writeFileSync(
      join(dir, "policy.toml"),
      'version = 1\n\n[tools.system_info]\nenabled = false\n\n[tools.restart_service]\nservice_patterns = ["mc-reload.service"]\n',
    );
    const serverEnv: Record<string, string> = { MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") };
    if (harness.available) serverEnv.MC_COMMAND_PREFIX = JSON.stringify(harness.prefix);
    return { dir, serverEnv };
  }

  /** Runs `inspector --cli <args>` under Node 22 and parses its JSON answer. */
  async function inspect(dir: string, args: readonly string[], expectedExit = 0): Promise<Record<string, unknown>> {
    const result = await run(install.node, [install.inspector, "--cli", ...args], {
      env: childEnv({ HOME: dir, MCP_CATALOG_PATH: join(dir, "catalog.json") }),
      timeoutMs: 60_000,
    });
    expect(result.exitCode, result.stderr).toBe(expectedExit);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  function stdioTarget(serverEnv: Record<string, string>): string[] {
    return [...Object.entries(serverEnv).flatMap(([key, value]) => ["-e", `${key}=${value}`]), process.execPath, MC_BIN, "mcp", "serve"];
  }

  it("should run under Node 22", async () => {
    const version = await run(install.node, ["--version"], { env: childEnv({}) });
    expect(version.stdout.trim()).toMatch(/^v22\./);
  });

  it("should list every tool over stdio, with no approve tool", async () => {
    const { dir, serverEnv } = setup();
    const answer = (await inspect(dir, [...stdioTarget(serverEnv), "--method", "tools/list"])) as {
      tools: Array<{ name: string; annotations?: Record<string, unknown> }>;
    };
    const names = answer.tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["system_info", "memory_usage", "service_status", "restart_service", "write_config_file"]));
    expect(names.filter((name) => /approv|reject/.test(name))).toStrictEqual([]);
    expect(answer.tools.find((tool) => tool.name === "restart_service")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it("should call a read-only tool and get structured content over stdio", async () => {
    const { dir, serverEnv } = setup();
    const answer = await inspect(dir, [...stdioTarget(serverEnv), "--method", "tools/call", "--tool-name", "memory_usage"]);
    expect(answer.isError).toBeFalsy();
    expect((answer.structuredContent as { total_bytes: number }).total_bytes).toBeGreaterThan(0);
  });

  it("should show a policy denial as an isError result (the Inspector exits 5 on isError)", async () => {
    const { dir, serverEnv } = setup();
    const answer = (await inspect(dir, [...stdioTarget(serverEnv), "--method", "tools/call", "--tool-name", "system_info"], 5)) as {
      isError?: boolean;
      content: Array<{ text: string }>;
    };
    expect(answer.isError).toBe(true);
    expect(answer.content[0]?.text).toMatch(/^Denied \(tool_disabled\)/);
  });

  it.skipIf(!harness.available)("should get approval_required for a privileged call (real systemd)", async () => {
    const { dir, serverEnv } = setup();
    const answer = await inspect(dir, [
      ...stdioTarget(serverEnv),
      "--method",
      "tools/call",
      "--tool-name",
      "restart_service",
      "--tool-arg",
      "unit=mc-reload.service",
    ]);
    expect(answer.isError).toBeFalsy();
    expect(answer.structuredContent).toMatchObject({ status: "approval_required", tool: "restart_service" });
    expect((answer.structuredContent as { approve_with: string }).approve_with).toMatch(/^MC_STATE_DIR=\S+ mc approvals approve apr_/);
  });

  it("should list tools over Streamable HTTP with the bearer token, and be refused without it", async () => {
    const { dir, serverEnv } = setup();
    const token = "inspector-token-0123456789abcdef";
    const server = spawn(process.execPath, [MC_BIN, "mcp", "serve", "--http", "127.0.0.1:0"], {
      env: childEnv({ ...serverEnv, MC_HTTP_TOKEN: token }),
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      const url = await announcedUrl(server);
      const answer = (await inspect(dir, [url, "--transport", "http", "--header", `Authorization: Bearer ${token}`, "--method", "tools/list"])) as {
        tools: unknown[];
      };
      expect(answer.tools.length).toBeGreaterThan(5);
      const refused = await run(install.node, [install.inspector, "--cli", url, "--transport", "http", "--method", "tools/list"], {
        env: childEnv({ HOME: dir, MCP_CATALOG_PATH: join(dir, "catalog.json") }),
        timeoutMs: 60_000,
      });
      expect(refused.exitCode).not.toBe(0);
      // The Inspector reports the 401 as "auth_required".
      expect(refused.stdout + refused.stderr).toMatch(/auth_required/);
    } finally {
      server.kill("SIGTERM");
    }
  });
});
