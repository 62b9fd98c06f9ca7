// Runs every JSON configuration snippet of docs/clients.md: starts the configured command with its
// env (or, for HTTP snippets, connects to a real `mc mcp serve --http`) and completes an MCP
// handshake, tools/list and a read-only call.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it, onTestFinished } from "vitest";
import { announcedUrl, childEnv, MC_BIN, REPO_ROOT, tempDir } from "./support.js";

const DOC = join(REPO_ROOT, "docs/clients.md");
const BUNDLE = join(REPO_ROOT, "apps/mc/dist/mc.mjs");

interface Snippet {
  name: string;
  config: Record<string, unknown>;
}

interface ServerEntry {
  type?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

/** Each ```json block preceded by `<!-- config: NAME -->`. */
function snippets(): Snippet[] {
  const text = readFileSync(DOC, "utf8");
  return [...text.matchAll(/<!-- config: ([\w/-]+) -->\n```json\n([\s\S]*?)\n```/g)].map((match) => ({
    name: match[1] ?? "",
    config: JSON.parse(match[2] ?? "") as Record<string, unknown>,
  }));
}

/** Claude Desktop and Cursor nest servers under `mcpServers`, VS Code under `servers`, a bare stdio entry is the entry. */
function serverEntry(config: Record<string, unknown>): ServerEntry {
  const nested = (config.mcpServers ?? config.servers) as Record<string, ServerEntry> | undefined;
  return nested ? (nested.mc as ServerEntry) : config;
}

/**
 * The doc's paths point at a user's machine: run the global `mc` from the workspace, the bundle
 * from a copy in a temp dir (with libSQL's binding next to it, as the doc says), and the state
 * and policy in temp dirs.
 */
function localCommand(entry: ServerEntry, dir: string): { command: string; args: string[] } {
  const args = entry.args ?? [];
  if (entry.command === "mc") return { command: process.execPath, args: [MC_BIN, ...args] };
  if (entry.command === "node" && args[0]?.endsWith("/mc.mjs")) {
    expect(existsSync(BUNDLE), `${BUNDLE} is missing: pnpm --filter @mc/app build`).toBe(true);
    const install = join(dir, "opt-mc");
    mkdirSync(join(install, "node_modules/@libsql"), { recursive: true });
    copyFileSync(BUNDLE, join(install, "mc.mjs"));
    const store = join(REPO_ROOT, "node_modules/.pnpm");
    for (const entryName of readdirSync(store).filter((name) => /^@libsql\+(linux|darwin|win32)-/.test(name))) {
      const scoped = join(store, entryName, "node_modules/@libsql");
      for (const platform of readdirSync(scoped)) symlinkSync(join(scoped, platform), join(install, "node_modules/@libsql", platform));
    }
    return { command: process.execPath, args: [join(install, "mc.mjs"), ...args.slice(1)] };
  }
  throw new Error(`docs/clients.md: no local stand-in for command ${JSON.stringify(entry.command)}`);
}

function localEnv(entry: ServerEntry, dir: string): Record<string, string> {
  const env = { ...entry.env };
  expect(Object.keys(env).sort(), "every stdio snippet names the policy and the state dir").toStrictEqual(["MC_POLICY_PATH", "MC_STATE_DIR"]);
  env.MC_POLICY_PATH = join(dir, "policy.toml");
  env.MC_STATE_DIR = join(dir, "state");
  return env;
}

async function exercise(client: Client): Promise<void> {
  expect(client.getServerVersion()?.name).toBe("mc");
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["memory_usage", "service_status", "restart_service"]));
  const result = await client.callTool({ name: "memory_usage", arguments: {} });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  expect((result.structuredContent as { total_bytes: number }).total_bytes).toBeGreaterThan(0);
}

describe("docs/clients.md configurations", () => {
  const all = snippets();

  it("should hold a global and a bundle snippet for Claude Desktop, VS Code, Cursor and any stdio client, and HTTP ones", () => {
    expect(all.map((snippet) => snippet.name).sort()).toStrictEqual(
      [
        "claude-desktop/bundle",
        "claude-desktop/global",
        "cursor/bundle",
        "cursor/global",
        "cursor/http",
        "stdio/bundle",
        "stdio/global",
        "vscode/bundle",
        "vscode/global",
        "vscode/http",
      ].sort(),
    );
  });

  for (const snippet of all.filter((candidate) => serverEntry(candidate.config).command !== undefined)) {
    it(`should start ${snippet.name} and complete a handshake, tools/list and a call`, async () => {
      const entry = serverEntry(snippet.config);
      if (entry.type !== undefined) expect(entry.type).toBe("stdio");
      const dir = tempDir("mc-config-");
      writeFileSync(join(dir, "policy.toml"), "version = 1\n");
      const { command, args } = localCommand(entry, dir);
      expect(args.slice(-2)).toStrictEqual(["mcp", "serve"]);
      // Like a desktop client: the child gets PATH and HOME plus the snippet's env, nothing else of ours.
      const transport = new StdioClientTransport({ command, args, env: childEnv(localEnv(entry, dir)), stderr: "pipe" });
      const client = new Client({ name: `docs-${snippet.name}`, version: "1.0.0" });
      await client.connect(transport);
      try {
        await exercise(client);
      } finally {
        await client.close();
      }
    });
  }

  for (const snippet of all.filter((candidate) => serverEntry(candidate.config).url !== undefined)) {
    it(`should connect ${snippet.name} to mc mcp serve --http with the token in its header`, async () => {
      const entry = serverEntry(snippet.config);
      const dir = tempDir("mc-config-http-");
      const token = "docs-token-0123456789abcdef01";
      writeFileSync(join(dir, "token"), `${token}\n`, { mode: 0o600 });
      // An explicit MC_POLICY_PATH must name a file that exists (a missing one denies every tool).
      writeFileSync(join(dir, "policy.toml"), "version = 1\n");
      const server = spawn(process.execPath, [MC_BIN, "mcp", "serve", "--http", "127.0.0.1:0", "--token-file", join(dir, "token")], {
        env: childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") }),
        stdio: ["ignore", "ignore", "pipe"],
      });
      onTestFinished(() => {
        server.kill("SIGTERM");
      });
      const url = new URL(await announcedUrl(server));
      const configured = new URL(entry.url ?? "");
      expect(`${configured.protocol}//${configured.hostname}${configured.pathname}`).toBe(`http://127.0.0.1${url.pathname}`);
      // The client's own variable syntax (${input:…}, ${env:…}) stands for the token.
      const headers = Object.fromEntries(
        Object.entries(entry.headers ?? {}).map(([name, value]) => [name, value.replace(/\$\{(?:input|env):[\w-]+\}/g, token)]),
      );
      expect(headers.Authorization).toBe(`Bearer ${token}`);
      const client = new Client({ name: `docs-${snippet.name}`, version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
      try {
        await exercise(client);
      } finally {
        await client.close();
      }
    });
  }
});
