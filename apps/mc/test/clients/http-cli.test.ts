// `mc mcp serve --http` as a process: refuses to start without a token or on a non-loopback
// address, serves with one, audits calls as http with the client's name, stops on SIGTERM.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it, onTestFinished } from "vitest";
import { announcedUrl, childEnv, MC_BIN, runMc, tempDir } from "./support.js";

describe("mc mcp serve --http", () => {
  function environment(): { dir: string; env: Record<string, string> } {
    const dir = tempDir("mc-http-cli-");
    // An explicit MC_POLICY_PATH must name a file that exists (a missing one denies every tool).
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    return { dir, env: childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") }) };
  }

  it("should refuse to start without a token (exit 2)", async () => {
    const { env } = environment();
    const result = await runMc(["mcp", "serve", "--http", "127.0.0.1:0"], env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--http needs a bearer token");
    const empty = await runMc(["mcp", "serve", "--http", "127.0.0.1:0"], { ...env, MC_HTTP_TOKEN: "   " });
    expect(empty.exitCode).toBe(2);
  });

  it("should refuse a non-loopback address without --allow-remote, a bad address and a short token (exit 2)", async () => {
    const { env } = environment();
    const withToken = { ...env, MC_HTTP_TOKEN: "cli-token-0123456789abcdef" };
    const remote = await runMc(["mcp", "serve", "--http", "0.0.0.0:0"], withToken);
    expect(remote.exitCode).toBe(2);
    expect(remote.stderr).toContain("refusing to listen on 0.0.0.0: not a loopback address (pass --allow-remote to mean it)");
    const malformed = await runMc(["mcp", "serve", "--http", "localhost"], withToken);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toContain("--http wants host:port");
    const short = await runMc(["mcp", "serve", "--http", "127.0.0.1:0"], { ...env, MC_HTTP_TOKEN: "short" });
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toContain("at least 16 characters");
    const stray = await runMc(["mcp", "serve", "--token-file", "/nonexistent"], env);
    expect(stray.exitCode).toBe(2);
  });

  it("should serve with a token file, refuse requests without the token, audit calls as http, and stop on SIGTERM", async () => {
    const { dir, env } = environment();
    const token = "cli-token-file-0123456789abcdef";
    writeFileSync(join(dir, "token"), `${token}\n`, { mode: 0o600 });
    const server = spawn(process.execPath, [MC_BIN, "mcp", "serve", "--http", "127.0.0.1:0", "--token-file", join(dir, "token")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    onTestFinished(() => {
      if (server.exitCode === null) server.kill("SIGKILL");
    });
    let stdout = "";
    server.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await announcedUrl(server);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

    const refused = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(refused.status).toBe(401);

    const client = new Client({ name: "http-cli-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const result = await client.callTool({ name: "memory_usage", arguments: {} });
    expect(result.isError).toBeFalsy();
    await client.close();

    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toBe("");

    const audit = await runMc(["audit", "list", "--json"], env);
    const events = (JSON.parse(audit.stdout) as { events: Array<{ caller: string; client_name: string; tool: string; outcome: string }> }).events;
    expect(events.map((event) => [event.caller, event.client_name, event.tool, event.outcome])).toStrictEqual([
      ["http", "http-cli-test", "memory_usage", "ok"],
    ]);
  });
});
