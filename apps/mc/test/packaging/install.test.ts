// Every package packs into a tarball that installs without the workspace. @mc/cli is
// installed globally (npm, a temporary prefix) from the tarballs alone, and a fresh project
// imports @mc/runtime from them. The tarballs are made by packaging/pack-artifacts.mjs, the
// script the release workflow runs, so this tests the artifacts a release publishes; the same
// script's mc-bundle tarball (the single-file bundle + libsql) is installed the same way.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const WORKSPACE = fileURLToPath(new URL("../../../../", import.meta.url));
const PACKAGES = readdirSync(join(WORKSPACE, "packages")).sort();

describe("packed tarballs, installed without the workspace", () => {
  let dir: string;
  let tarballs: string[];
  let mc: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-pack-"));
    mkdirSync(join(dir, "tarballs"));
    await run(process.execPath, [join(WORKSPACE, "packaging", "pack-artifacts.mjs"), join(dir, "tarballs")], { cwd: WORKSPACE, timeout: 240_000 });
    // "./" so npm reads them as files, not as GitHub shorthands.
    tarballs = readdirSync(join(dir, "tarballs"))
      .filter((file) => !file.startsWith("mc-bundle-"))
      .map((file) => `./tarballs/${file}`);
    const npmFlags = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
    await run("npm", ["install", "-g", "--prefix", join(dir, "global"), ...tarballs, ...npmFlags], { cwd: dir, timeout: 240_000 });
    mc = join(dir, "global", "bin", "mc");
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: join(dir, "state") };
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should pack one tarball per package, with built code and no sources or tests", async () => {
    expect(tarballs).toHaveLength(PACKAGES.length);
    const tarball = (name: string) => join(dir, "tarballs", readdirSync(join(dir, "tarballs")).find((file) => file.startsWith(`mc-${name}-`)) ?? name);
    const { stdout } = await run("tar", ["-tzf", tarball("runtime")]);
    const files = stdout.trim().split("\n");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files.filter((file) => file.includes("/src/") || file.endsWith(".test.js") || file.endsWith(".test.ts"))).toStrictEqual([]);
    const manifest = JSON.parse((await run("tar", ["-xzOf", tarball("cli"), "package/package.json"])).stdout) as Record<string, Record<string, string>>;
    // pnpm rewrote workspace: and catalog: ranges into real versions.
    expect(Object.values(manifest.dependencies ?? {}).filter((range) => /^(workspace|catalog):/.test(range))).toStrictEqual([]);
  });

  it("should run the globally installed mc: --version, doctor --json, a tool", async () => {
    expect((await run(mc, ["--version"], { env })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const doctor = JSON.parse((await run(mc, ["doctor", "--json"], { env })).stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(doctor.ok).toBe(true);
    expect(doctor.checks.find((check) => check.name === "database")?.ok).toBe(true);
    const memory = JSON.parse((await run(mc, ["tool", "memory_usage", "--json"], { env })).stdout) as { ok: boolean };
    expect(memory.ok).toBe(true);
  });

  it("should answer an MCP stdio handshake from the installed binary", async () => {
    const transport = new StdioClientTransport({ command: mc, args: ["mcp", "serve"], env, stderr: "pipe" });
    const client = new Client({ name: "packaging-test", version: "1.0.0" });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()?.name).toBe("mc");
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(14);
      const result = await client.callTool({ name: "memory_usage", arguments: {} });
      expect(typeof (result.structuredContent as { total_bytes?: unknown } | undefined)?.total_bytes).toBe("number");
    } finally {
      await client.close();
    }
  });

  it("should install the bundle artifact globally and run it: --version, doctor, a tool, an MCP handshake", async () => {
    const bundle = readdirSync(join(dir, "tarballs")).find((file) => file.startsWith("mc-bundle-"));
    expect(bundle).toBeDefined();
    const files = (await run("tar", ["-tzf", join(dir, "tarballs", bundle ?? "")])).stdout.trim().split("\n").sort();
    expect(files).toStrictEqual(["package/mc.js", "package/mc.mjs", "package/package.json"]);
    const prefix = join(dir, "bundle-global");
    await run("npm", ["install", "-g", "--prefix", prefix, `./tarballs/${bundle}`, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      timeout: 240_000,
    });
    const bundled = join(prefix, "bin", "mc");
    const bundleEnv = { ...env, MC_STATE_DIR: join(dir, "bundle-state") };
    expect((await run(bundled, ["--version"], { env: bundleEnv })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const doctor = JSON.parse((await run(bundled, ["doctor", "--json"], { env: bundleEnv })).stdout) as { ok: boolean };
    expect(doctor.ok).toBe(true);
    const memory = JSON.parse((await run(bundled, ["tool", "memory_usage", "--json"], { env: bundleEnv })).stdout) as { ok: boolean };
    expect(memory.ok).toBe(true);
    const transport = new StdioClientTransport({ command: bundled, args: ["mcp", "serve"], env: bundleEnv, stderr: "pipe" });
    const client = new Client({ name: "packaging-test", version: "1.0.0" });
    try {
      await client.connect(transport);
      const result = await client.callTool({ name: "memory_usage", arguments: {} });
      expect(typeof (result.structuredContent as { total_bytes?: unknown } | undefined)?.total_bytes).toBe("number");
    } finally {
      await client.close();
    }
  }, 300_000);

  it("should let a fresh project import @mc/runtime from the tarballs", async () => {
    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "embedder", version: "1.0.0", type: "module", private: true }));
    await run("npm", ["install", ...tarballs.map((tarball) => join("..", tarball)), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: project,
      timeout: 240_000,
    });
    writeFileSync(
      join(project, "agent.mjs"),
      [
        'import { createRuntime } from "@mc/runtime";',
        `const runtime = createRuntime({ stateDir: ${JSON.stringify(join(dir, "embedded-state"))} });`,
        "const tools = runtime.listTools().map((tool) => tool.name);",
        'const result = await runtime.runTool("memory_usage", {}, { caller: { kind: "embedded", name: "embedder" } });',
        "await runtime.close();",
        "console.log(JSON.stringify({ tools, status: result.status }));",
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, ["agent.mjs"], { cwd: project, env });
    const report = JSON.parse(stdout) as { tools: string[]; status: string };
    expect(report.tools).toEqual(expect.arrayContaining(["service_status", "restart_service", "write_config_file"]));
    expect(report.status).toBe("ok");
  }, 300_000);
});
