// Issue 7: the single-file bundle (dist/mc.mjs) answers an MCP handshake with no node_modules
// beside it. A tool call needs libSQL's native module (the one part that cannot be inlined): alone
// it fails closed saying so; with `npm install libsql` beside it, it works.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustedTempDir } from "../trusted-temp-dir.js";

const run = promisify(execFile);
const BUNDLE = fileURLToPath(new URL("../../dist/mc.mjs", import.meta.url));

/** The libsql version the workspace's @libsql/client uses, so the bundle gets a matching binding. */
function libsqlVersion(): string {
  const fromApprovals = createRequire(fileURLToPath(new URL("../../../../packages/approvals/package.json", import.meta.url)));
  const fromClient = createRequire(fromApprovals.resolve("@libsql/client"));
  let directory = dirname(fromClient.resolve("libsql"));
  while (!readdirSync(directory).includes("package.json")) directory = dirname(directory);
  return (JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { version: string }).version;
}

describe("the single-file bundle", () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    // Under /tmp: no node_modules in any parent directory.
    dir = mkdtempSync(join(tmpdir(), "mc-bundle-"));
    copyFileSync(BUNDLE, join(dir, "mc.mjs"));
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: join(dir, "state") };
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function session<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(dir, "mc.mjs"), "mcp", "serve"], env, cwd: dir, stderr: "pipe" });
    const client = new Client({ name: "bundle-test", version: "1.0.0" });
    const started = performance.now();
    await client.connect(transport);
    console.log(
      `bundle: spawn → initialize answered in ${(performance.now() - started).toFixed(0)} ms (${(statSync(BUNDLE).size / 1024 / 1024).toFixed(1)} MiB file)`,
    );
    try {
      return await use(client);
    } finally {
      await client.close();
    }
  }

  it("should be one file that prints its version with nothing beside it", async () => {
    expect(readdirSync(dir)).toStrictEqual(["mc.mjs"]);
    expect((await run(process.execPath, [join(dir, "mc.mjs"), "--version"], { env, cwd: dir })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("should start from its V8 code cache where the cache directory is trusted, and stay one file", async () => {
    // The CLI runs inside mc.mjs through V8's code cache (src/mc.ts); HOME under /tmp is never
    // trusted (world-writable), so this cache home sits where the cache's trust rule holds.
    const cacheHome = trustedTempDir("mc-bundle-cache-", fileURLToPath(new URL("../../node_modules/.cache", import.meta.url)));
    try {
      const withCache = { ...env, XDG_CACHE_HOME: cacheHome };
      const cacheDir = join(cacheHome, "master-control", "v8-code-cache");
      const version = async () => (await run(process.execPath, [join(dir, "mc.mjs"), "--version"], { env: withCache, cwd: dir })).stdout.trim();
      const first = await version();
      expect(first).toMatch(/^\d+\.\d+\.\d+/);
      const [name] = readdirSync(cacheDir);
      expect(name).toMatch(/^version-[0-9a-f]{12}-[0-9a-f]{64}\.bin$/);
      const written = statSync(join(cacheDir, name ?? "")).ino;
      expect(await version()).toBe(first);
      expect(statSync(join(cacheDir, name ?? "")).ino).toBe(written); // accepted by V8: not written again
      expect(readdirSync(dir)).toStrictEqual(["mc.mjs"]);
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
  });

  it("should keep its code in memory once: the script it runs is a slice of its own source", async () => {
    // V8 keeps mc.mjs's source (1.3 MB) while mc runs; a string literal of the CLI, or a script made
    // from one, was a second and third copy of it (in V8's large object space: strings > 128 kB).
    const report = `data:text/javascript,${encodeURIComponent(
      'import v8 from "node:v8"; process.on("exit", () => process.stderr.write("LO " + v8.getHeapSpaceStatistics().find((s) => s.space_name === "large_object_space").space_used_size + "\\n"));',
    )}`;
    const { stdout, stderr } = await run(process.execPath, ["--import", report, join(dir, "mc.mjs"), "--version"], { env, cwd: dir });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const largeObjects = Number(/^LO (\d+)$/m.exec(stderr)?.[1]);
    const size = statSync(BUNDLE).size;
    expect(largeObjects).toBeGreaterThan(size); // the source itself
    expect(largeObjects).toBeLessThan(1.5 * size);
    // The file holds the script once, as one line: a line comment in a function (see tsup.config.ts).
    const lines = readFileSync(BUNDLE, "latin1").split("\n");
    expect(lines.filter((line) => line.trimStart().startsWith("//(function (exports, require, module, __filename, __dirname) {"))).toHaveLength(1);
  });

  it("should answer an MCP handshake and list every tool with no node_modules", async () => {
    await session(async (client) => {
      expect(client.getServerVersion()?.name).toBe("mc");
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["service_status", "restart_service", "write_config_file"]));
    });
  });

  it("should fail a call closed, naming the missing native module and the fix", async () => {
    await session(async (client) => {
      const result = await client.callTool({ name: "memory_usage", arguments: {} });
      expect(result.isError).toBe(true);
      expect((result.content[0] as { text: string }).text).toMatch(/native module .*npm install libsql/s);
    });
  });

  it("should run calls once libsql is installed beside it", async () => {
    await run("npm", ["install", "--no-save", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", `libsql@${libsqlVersion()}`], {
      cwd: dir,
      timeout: 240_000,
    });
    await session(async (client) => {
      const result = await client.callTool({ name: "memory_usage", arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(typeof (result.structuredContent as { total_bytes?: unknown } | undefined)?.total_bytes).toBe("number");
    });
  }, 300_000);
});
