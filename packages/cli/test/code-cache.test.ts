// The bin runs dist/mc.cjs through V8's code cache (bin/code-cache.js): one cache file
// per command, written after the command's work when there was none or V8 rejected it, kept only
// in a directory that this user (or root) alone can write. The built bin runs in real processes;
// the cache's effect is seen on the file system (a cache V8 accepted is not written again).
// The attacks on it (planted, symlinked, foreign caches) are apps/mc/test/red-team/code-cache.test.ts.
import { execFile, spawn } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string }).version;
const execFileAsync = promisify(execFile);
// Reports on stderr when libSQL is required and, at exit, when zod (the MCP SDK's schemas) was evaluated.
const WATCH_LOADS = `data:text/javascript,${encodeURIComponent(
  [
    'import Module from "node:module";',
    "const load = Module._load;",
    "Module._load = function (request, ...rest) { if (/libsql/.test(request)) process.stderr.write('LIBSQL\\n'); return load.call(this, request, ...rest); };",
    "process.on('exit', () => { if (globalThis.__zod_globalRegistry) process.stderr.write('ZOD\\n'); });",
  ].join("\n"),
)}`;

/** Whether `path` and every directory above it is owned by this user or root and not group/world-writable. */
function trustedAllTheWayUp(path: string): boolean {
  for (let current = path; ; current = dirname(current)) {
    const stat = lstatSync(current);
    if (!stat.isDirectory() || (stat.uid !== process.getuid?.() && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return false;
    if (dirname(current) === current) return true;
  }
}

describe("the bin's V8 code cache", () => {
  let base: string;
  let state: string;

  beforeAll(() => {
    state = mkdtempSync(join(tmpdir(), "mc-code-cache-state-"));
    // Not under /tmp: /tmp is world-writable, so a cache below it is never used. Under the
    // package, or under the user's home where the package is not trusted (a checkout in /tmp).
    for (const parent of [fileURLToPath(new URL("../node_modules/.cache", import.meta.url)), join(homedir(), ".cache", "mc-tests")]) {
      mkdirSync(parent, { recursive: true, mode: 0o700 });
      base = mkdtempSync(join(parent, "mc-code-cache-"));
      if (trustedAllTheWayUp(base)) return;
      rmSync(base, { recursive: true, force: true });
    }
    throw new Error("no directory where the code cache's trust rule holds: neither the package's node_modules/.cache nor ~/.cache/mc-tests");
  });
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  const run = (args: string[], cacheHome: string, node: string[] = []) =>
    execFileAsync(process.execPath, [...node, MC_BIN, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: state, XDG_CACHE_HOME: cacheHome, MC_STATE_DIR: join(state, "state") },
    });
  /** `mc mcp serve`: initialize, then end of input; its output once it exited (code 0). */
  const serveOnce = async (cacheHome: string, node: string[] = []) => {
    const child = spawn(process.execPath, [...node, MC_BIN, "mcp", "serve"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: state, XDG_CACHE_HOME: cacheHome, MC_STATE_DIR: join(state, "state") },
    });
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } })}\n`,
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("\n")) resolve();
      }),
    );
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
    return { stdout, stderr };
  };
  const cacheFiles = (cacheHome: string) => {
    try {
      return readdirSync(join(cacheHome, "master-control", "v8-code-cache")).sort();
    } catch {
      return [];
    }
  };

  it("should evaluate neither the MCP SDK nor libSQL for `mc --version` (controls: `mcp serve`, a tool call)", async () => {
    const cacheHome = join(base, "lazy");
    const version = await run(["--version"], cacheHome, ["--import", WATCH_LOADS]);
    expect(version.stdout.trim()).toBe(VERSION);
    expect(version.stderr).not.toMatch(/LIBSQL|ZOD/);
    // The CommonJS build itself (what the bundle runs for --version too): no SDK, no libSQL either.
    const loader = new URL("../bin/code-cache.js", import.meta.url).href;
    const body = fileURLToPath(new URL("../dist/mc.cjs", import.meta.url));
    const direct = await execFileAsync(
      process.execPath,
      [
        "--import",
        WATCH_LOADS,
        "--input-type=module",
        "-e",
        `import { runMc } from ${JSON.stringify(loader)}; process.exitCode = await runMc({ filename: ${JSON.stringify(body)}, argv: ["--version"] });`,
      ],
      { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: state, XDG_CACHE_HOME: cacheHome, MC_STATE_DIR: join(state, "state") } },
    );
    expect(direct.stdout.trim()).toBe(VERSION);
    expect(direct.stderr).not.toMatch(/LIBSQL|ZOD/);
    const serve = await serveOnce(cacheHome, ["--import", WATCH_LOADS]);
    expect(serve.stderr).toContain("ZOD");
    const tool = await run(["tool", "memory_usage"], cacheHome, ["--import", WATCH_LOADS]);
    expect(tool.stdout).toContain("total_bytes");
    expect(tool.stderr).toContain("LIBSQL");
  });

  it("should write one private cache per command after its work, and not again once V8 accepts it", async () => {
    const cacheHome = join(base, "lifecycle");
    expect((await run(["tools"], cacheHome)).stdout).toContain("memory_usage");
    const [toolsCache] = cacheFiles(cacheHome);
    expect(toolsCache).toMatch(/^tools-[0-9a-f]{12}-[0-9a-f]{64}\.bin$/);
    const path = join(cacheHome, "master-control", "v8-code-cache", toolsCache ?? "");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = statSync(path);
    expect((await run(["tools"], cacheHome)).stdout).toContain("memory_usage");
    expect(statSync(path).ino).toBe(written.ino);
    expect((await run(["tool", "memory_usage"], cacheHome)).stdout).toContain("total_bytes");
    // --version and --help run the ES module build's entry alone, with no cache of their own.
    expect((await run(["--version"], cacheHome)).stdout.trim()).toBe(VERSION);
    expect(cacheFiles(cacheHome).map((name) => name.split("-")[0])).toStrictEqual(["tool", "tools"]);
  });

  it("should remove other installations' caches unused for 30 days and stale temporary files when it writes one, and nothing else", async () => {
    const cacheHome = join(base, "cleanup");
    const directory = join(cacheHome, "master-control", "v8-code-cache");
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const day = 24 * 60 * 60;
    const now = Date.now() / 1000;
    const plant = (name: string, ageDays: number, kind: "file" | "directory" | "symlink" = "file") => {
      const path = join(directory, name);
      if (kind === "directory") mkdirSync(path);
      else if (kind === "symlink") symlinkSync(join(state, "outside.bin"), path);
      else writeFileSync(path, "x", { mode: 0o600 });
      if (kind !== "symlink") utimesSync(path, now - ageDays * day, now - ageDays * day);
    };
    writeFileSync(join(state, "outside.bin"), "not a cache");
    utimesSync(join(state, "outside.bin"), now - 90 * day, now - 90 * day);
    plant(`tools-${"a".repeat(12)}-${"0".repeat(64)}.bin`, 40); // another installation, unused: removed
    plant(`mcp-serve-${"b".repeat(12)}-${"1".repeat(64)}.bin`, 29); // another installation, used lately: kept
    plant(`tools-${"c".repeat(12)}-${"2".repeat(64)}.bin.4242.tmp`, 2); // a write cut short: removed
    plant(`tools-${"d".repeat(12)}-${"3".repeat(64)}.bin.4243.tmp`, 0); // a write in progress: kept
    plant("old-directory.bin", 400, "directory"); // not a file: kept
    plant("planted-link.bin", 0, "symlink"); // a symlink, never followed: kept, and its target too
    plant("notes.txt", 400); // not a cache: kept
    expect((await run(["tools"], cacheHome)).stdout).toContain("memory_usage");
    const left = cacheFiles(cacheHome);
    expect(left).toContain(`mcp-serve-${"b".repeat(12)}-${"1".repeat(64)}.bin`);
    expect(left).toContain(`tools-${"d".repeat(12)}-${"3".repeat(64)}.bin.4243.tmp`);
    expect(left).toContain("old-directory.bin");
    expect(left).toContain("planted-link.bin");
    expect(left).toContain("notes.txt");
    expect(left).not.toContain(`tools-${"a".repeat(12)}-${"0".repeat(64)}.bin`);
    expect(left).not.toContain(`tools-${"c".repeat(12)}-${"2".repeat(64)}.bin.4242.tmp`);
    expect(readFileSync(join(state, "outside.bin"), "utf8")).toBe("not a cache");
    // And the cache it wrote, one.
    expect(left.filter((name) => /^tools-[0-9a-f]{12}-[0-9a-f]{64}\.bin$/.test(name) && !name.startsWith(`tools-${"a".repeat(12)}`))).toHaveLength(1);
  });

  it("should answer right with a corrupt, truncated or empty cache, and replace it", async () => {
    const cacheHome = join(base, "corrupt");
    await run(["tools"], cacheHome);
    const [name] = cacheFiles(cacheHome);
    const path = join(cacheHome, "master-control", "v8-code-cache", name ?? "");
    const good = readFileSync(path);
    for (const bad of [Buffer.alloc(good.length, 0x5a), good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
      writeFileSync(path, bad, { mode: 0o600 });
      expect((await run(["tools"], cacheHome)).stdout).toContain("memory_usage");
      const replaced = readFileSync(path);
      expect(replaced.equals(bad)).toBe(false);
      expect(replaced.length).toBeGreaterThan(1000);
    }
  });

  it("should write the server's cache before it sets its V8 flags, so that the next start accepts it", async () => {
    const cacheHome = join(base, "serve");
    expect((await serveOnce(cacheHome)).stdout).toContain('"serverInfo"');
    const [name] = cacheFiles(cacheHome);
    expect(name).toMatch(/^mcp-serve-[0-9a-f]{12}-[0-9a-f]{64}\.bin$/);
    // The server sets V8 flags (heap-tuning.ts), and V8 rejects code cached under other flags than
    // its own at the next start: the cache is made before they are set. Accepted, it is not written again.
    const written = statSync(join(cacheHome, "master-control", "v8-code-cache", name ?? ""));
    expect((await serveOnce(cacheHome)).stdout).toContain('"serverInfo"');
    expect(statSync(join(cacheHome, "master-control", "v8-code-cache", name ?? "")).ino).toBe(written.ino);
  });

  it("should run a wrapped script (the bundle's form) through its cache, and never through the cache of another script of the same length", async () => {
    // V8 checks cached data only against the source's length: two scripts of one length at one
    // path must not share a cache, or the second would run the first one's code.
    const cacheHome = join(base, "script");
    const loader = new URL("../bin/code-cache.js", import.meta.url).href;
    const runScript = async (word: string) => {
      const body = `exports.main = async () => { process.stdout.write(${JSON.stringify(word)}); return 0; };`;
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          [
            `import { runMc, wrapCommonJs } from ${JSON.stringify(loader)};`,
            `const script = wrapCommonJs(${JSON.stringify(body)});`,
            `process.exitCode = await runMc({ filename: ${JSON.stringify(join(base, "bundle-mc.mjs"))}, script, argv: ["tools"] });`,
          ].join("\n"),
        ],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: state, XDG_CACHE_HOME: cacheHome } },
      );
      return stdout;
    };
    expect(await runScript("first")).toBe("first");
    const [name] = cacheFiles(cacheHome);
    expect(name).toMatch(/^tools-[0-9a-f]{12}-[0-9a-f]{64}\.bin$/);
    const written = statSync(join(cacheHome, "master-control", "v8-code-cache", name ?? ""));
    expect(await runScript("first")).toBe("first");
    expect(statSync(join(cacheHome, "master-control", "v8-code-cache", name ?? "")).ino).toBe(written.ino); // accepted
    expect(await runScript("other")).toBe("other");
    expect(cacheFiles(cacheHome)).toHaveLength(1);
    expect(cacheFiles(cacheHome)).not.toContain(name);
  });

  it("should run without a cache, writing none, where another user could write", async () => {
    const cacheHome = join(base, "open");
    mkdirSync(cacheHome);
    chmodSync(cacheHome, 0o777);
    expect((await run(["--version"], cacheHome)).stdout.trim()).toBe(VERSION);
    expect(cacheFiles(cacheHome)).toStrictEqual([]);
  });
});
