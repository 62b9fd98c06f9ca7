// The MCP conformance suite (a test suite we did not write) against the real `mc mcp serve --http`.
// The suite sends no Authorization header, so a test-only proxy in this process adds the bearer
// token; it also maps its own loopback port to the server's in Host and Origin, so the suite's
// "own origin" is the server's own origin (a foreign Host/Origin passes through unchanged and must
// still be refused). Which scenarios apply to mc, and why the others do not: docs/clients.md.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ensureConformance, type ConformanceInstall } from "./conformance-cache.js";
import { announcedUrl, childEnv, MC_BIN, run, tempDir } from "./support.js";

/** Scenarios that test what mc offers (an HTTP server with tools and logging). */
const APPLICABLE = ["server-initialize", "ping", "logging-set-level", "tools-list", "server-sse-multiple-streams", "dns-rebinding-protection"] as const;

const TOKEN = "conformance-token-0123456789abcdef";

interface ConformanceCheck {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
}

/** Forwards to the server with the token; maps `localhost:<proxy port>` to `localhost:<server port>` in Host and Origin. */
async function tokenProxy(target: URL): Promise<{ url: string; server: Server }> {
  let ownPort = 0;
  const targetPort = Number(target.port);
  const ownAuthority = (value: string | undefined) =>
    value?.replace(new RegExp(`^((?:http://)?(?:localhost|127\\.0\\.0\\.1|\\[::1\\])):${ownPort}$`), `$1:${targetPort}`);
  const server = createServer((incoming, outgoing) => {
    const headers = { ...incoming.headers, authorization: `Bearer ${TOKEN}` };
    if (headers.host) headers.host = ownAuthority(headers.host);
    if (headers.origin) headers.origin = ownAuthority(headers.origin);
    const upstream = httpRequest({ host: target.hostname, port: targetPort, method: incoming.method, path: incoming.url, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    outgoing.on("close", () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  ownPort = (server.address() as AddressInfo).port;
  return { url: `http://localhost:${ownPort}/mcp`, server };
}

describe("MCP conformance suite against mc mcp serve --http", () => {
  let install: ConformanceInstall;
  beforeAll(async () => {
    install = await ensureConformance();
  }, 300_000);

  it("should pass every applicable server scenario, log each request without the token, and refuse foreign origins", async () => {
    const dir = tempDir("mc-conformance-");
    writeFileSync(join(dir, "token"), `${TOKEN}\n`, { mode: 0o600 });
    // An explicit MC_POLICY_PATH must name a file that exists (a missing one denies every tool).
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    const child = spawn(process.execPath, [MC_BIN, "mcp", "serve", "--http", "127.0.0.1:0", "--token-file", join(dir, "token")], {
      env: childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") }),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    onTestFinished(async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("close", resolve));
    });
    const serverUrl = new URL(await announcedUrl(child));
    const proxy = await tokenProxy(serverUrl);
    onTestFinished(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));

    const results: Record<string, ConformanceCheck[]> = {};
    for (const scenario of APPLICABLE) {
      const out = join(dir, `out-${scenario}`);
      const ran = await run(install.node, [install.conformance, "server", "--url", proxy.url, "--scenario", scenario, "-o", out], {
        env: childEnv({ HOME: dir }),
        timeoutMs: 120_000,
      });
      const [resultDir] = readdirSync(out);
      results[scenario] = resultDir === undefined ? [] : (JSON.parse(readFileSync(join(out, resultDir, "checks.json"), "utf8")) as ConformanceCheck[]);
      expect(results[scenario].length, `${scenario}: no checks recorded (exit ${ran.exitCode}): ${ran.stdout}${ran.stderr}`).toBeGreaterThan(0);
    }
    const notPassed = Object.entries(results).flatMap(([scenario, checks]) =>
      checks
        .filter((check) => check.status !== "SUCCESS" && check.status !== "INFO")
        .map((check) => `${scenario}/${check.id}: ${check.status} ${check.errorMessage ?? ""}`),
    );
    console.info(
      `[conformance] ${APPLICABLE.length} scenarios, ${
        Object.values(results)
          .flat()
          .filter((check) => check.status === "SUCCESS").length
      } checks passed`,
    );
    expect(notPassed).toStrictEqual([]);
    // The DNS-rebinding scenario's two halves: the own origin answered, a foreign one refused.
    expect(results["dns-rebinding-protection"]?.map((check) => [check.id, check.status])).toStrictEqual([
      ["localhost-host-rebinding-rejected", "SUCCESS"],
      ["localhost-host-valid-accepted", "SUCCESS"],
    ]);
    // One stderr line per request, never the token.
    expect(stderr).toMatch(/^mc: http POST \/mcp 200 \d+ ms from 127\.0\.0\.1 session \S+ logging\/setLevel$/m);
    expect(stderr).toMatch(/^mc: http POST \/mcp 403 \d+ ms from 127\.0\.0\.1$/m);
    expect(stderr).not.toContain(TOKEN);
  }, 300_000);
});
