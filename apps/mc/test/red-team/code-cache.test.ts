// Red team: the bin's V8 code cache (packages/cli/bin/code-cache.js). V8 checks cached
// data only against the source's LENGTH (and its own version and flags): code compiled from
// another source of the same length is accepted and run. So the attack is a planted cache, built
// from a doctored dist/mc.cjs whose `mc tools` titles memory_usage "PWNED!usage", under the exact name the bin
// looks for. The control proves it works where the bin trusts the directory; every attack puts
// it (or a corrupt cache) where another user could have: a cache directory or an ancestor that
// another user owns or that is group/world-writable, a symlinked directory or cache file, a
// cache file of another user or writable by others; and corrupt caches (V8 aborts the process on
// one it accepts: the bin checks a digest first). A case breaks the guarantee when
// `mc tools` prints anything but the real title or fails.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustedTempDir } from "../trusted-temp-dir.js";
import { attackClass } from "./attack-report.js";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../../../packages/cli/", import.meta.url));
const MC_BIN = join(CLI, "bin", "mc.js");
const MC_CJS = join(CLI, "dist", "mc.cjs");
const TITLE = 'title:"Memory usage"';
const EVIL_TITLE = 'title:"PWNED!usage"';
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

describe("planted V8 code caches (bin)", () => {
  const planted = attackClass("planted code cache (bin)");
  let base: string;
  let state: string;
  let evilCache: Buffer;
  let cacheName: string;

  beforeAll(async () => {
    // Not under /tmp (world-writable: nothing below it is ever trusted).
    base = trustedTempDir("mc-red-code-cache-", fileURLToPath(new URL("../../node_modules/.cache", import.meta.url)));
    state = join(base, "state");
    // The doctored source: same length, another title; its cache made by the bin's own loader.
    const source = readFileSync(MC_CJS, "latin1");
    const doctored = source.replace(TITLE, EVIL_TITLE.padEnd(TITLE.length, " "));
    expect(doctored).not.toBe(source);
    expect(doctored.length).toBe(source.length);
    const evilDir = join(base, "evil");
    mkdirSync(evilDir);
    const evilFile = join(evilDir, "mc.cjs");
    writeFileSync(evilFile, doctored, "latin1");
    const loader = pathToFileURL(join(CLI, "bin", "code-cache.js")).href;
    const script = `const { loadWithCodeCache } = await import(${JSON.stringify(loader)}); const cli = loadWithCodeCache(${JSON.stringify(evilFile)}, "tools"); await cli.exports.main(["tools"]); cli.save();`;
    const out = await run(process.execPath, ["--input-type=module", "-e", script], { env: { ...env(join(evilDir, "cache")) } });
    expect(out.stdout).toContain("PWNED!usage");
    const evilCacheDir = join(evilDir, "cache", "master-control", "v8-code-cache");
    const [name] = readdirSync(evilCacheDir);
    evilCache = readFileSync(join(evilCacheDir, name ?? ""));
    const key = createHash("sha256").update(readFileSync(MC_CJS)).update(`\0${process.version}\0${process.arch}\0${MC_CJS}`).digest("hex");
    cacheName = `tools-${createHash("sha256").update(`${MC_CJS}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 12)}-${key}.bin`;
  });
  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  function env(cacheHome: string): Record<string, string> {
    return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(base, "home"), XDG_CACHE_HOME: cacheHome, MC_STATE_DIR: state };
  }
  /** The title `mc tools` prints for memory_usage. */
  async function title(cacheHome: string): Promise<string> {
    try {
      const { stdout } = await run(process.execPath, [MC_BIN, "tools", "--json"], { env: env(cacheHome) });
      const tools = (JSON.parse(stdout) as { tools: { name: string; title: string }[] }).tools;
      return tools.find((tool) => tool.name === "memory_usage")?.title ?? "(none)";
    } catch (error) {
      return `failed: ${String(error)}`;
    }
  }
  /** A cache home with the planted cache at the name the bin reads; returns [cacheHome, cacheDir]. */
  function plant(label: string, contents: Buffer = evilCache): [string, string] {
    const cacheHome = join(base, label);
    const cacheDir = join(cacheHome, "master-control", "v8-code-cache");
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(cacheDir, cacheName), contents, { mode: 0o600 });
    return [cacheHome, cacheDir];
  }
  async function attack(label: string, cacheHome: string): Promise<void> {
    const printed = await title(cacheHome);
    planted.record(printed !== "Memory usage", `${label}: printed ${printed.slice(0, 80)}`);
    expect(printed, label).toBe("Memory usage");
  }

  it("should run a planted cache where the directory is trusted (control: the attack has teeth)", async () => {
    const [cacheHome] = plant("control");
    expect(await title(cacheHome)).toMatch(/^PWNED!usage/);
  });

  it("should ignore a planted cache in a group- or world-writable cache directory or ancestor", async () => {
    for (const [label, mode, level] of [
      ["world-writable cache dir", 0o777, 0],
      ["group-writable cache dir", 0o770, 0],
      ["world-writable master-control", 0o757, 1],
      ["group-writable cache home", 0o775, 2],
      ["sticky world-writable cache home", 0o1777, 2],
    ] as const) {
      const [cacheHome, cacheDir] = plant(label.replaceAll(" ", "-"));
      chmodSync([cacheDir, dirname(cacheDir), cacheHome][level] ?? cacheDir, mode);
      await attack(label, cacheHome);
    }
  });

  it.skipIf(!isRoot)("should ignore a planted cache in a directory or under an ancestor another user owns", async () => {
    for (const [label, level] of [
      ["cache dir owned by nobody", 0],
      ["master-control owned by nobody", 1],
      ["cache home owned by nobody", 2],
    ] as const) {
      const [cacheHome, cacheDir] = plant(label.replaceAll(" ", "-"));
      chownSync([cacheDir, dirname(cacheDir), cacheHome][level] ?? cacheDir, NOBODY, NOBODY);
      await attack(label, cacheHome);
    }
  });

  it("should ignore a planted cache reached through a symlink", async () => {
    const [, realDir] = plant("symlink-target");
    // The cache directory is a symlink to a directory holding the planted cache.
    const linkedHome = join(base, "symlinked-dir");
    mkdirSync(join(linkedHome, "master-control"), { recursive: true, mode: 0o700 });
    symlinkSync(realDir, join(linkedHome, "master-control", "v8-code-cache"));
    await attack("symlinked cache dir", linkedHome);
    // master-control is a symlink.
    const linkedParent = join(base, "symlinked-parent");
    mkdirSync(linkedParent, { mode: 0o700 });
    symlinkSync(dirname(realDir), join(linkedParent, "master-control"));
    await attack("symlinked master-control", linkedParent);
    // The cache file is a symlink to the planted cache.
    const fileHome = join(base, "symlinked-file");
    const fileDir = join(fileHome, "master-control", "v8-code-cache");
    mkdirSync(fileDir, { recursive: true, mode: 0o700 });
    symlinkSync(join(realDir, cacheName), join(fileDir, cacheName));
    await attack("symlinked cache file", fileHome);
  });

  it("should ignore a planted cache file that others can write or another user owns", async () => {
    const [writableHome, writableDir] = plant("writable-file");
    chmodSync(join(writableDir, cacheName), 0o666);
    await attack("world-writable cache file", writableHome);
    const [groupHome, groupDir] = plant("group-file");
    chmodSync(join(groupDir, cacheName), 0o620);
    await attack("group-writable cache file", groupHome);
    if (isRoot) {
      const [foreignHome, foreignDir] = plant("foreign-file");
      chownSync(join(foreignDir, cacheName), NOBODY, NOBODY);
      await attack("cache file owned by nobody", foreignHome);
    }
  });

  it("should answer right with a corrupt, truncated, empty or foreign-Node cache in a trusted directory", async () => {
    const real = plant("real-cache", Buffer.alloc(0))[0];
    await title(real); // an empty cache is rejected and replaced with a real one
    const realCache = readFileSync(join(real, "master-control", "v8-code-cache", cacheName));
    const flipped = Buffer.from(realCache);
    for (let index = 64; index < flipped.length; index += 97) flipped.writeUInt8(flipped.readUInt8(index) ^ 0xff, index);
    // The file is the SHA-256 of V8's data, then the data: V8's header names its version at byte 4.
    const data = Buffer.from(realCache.subarray(32));
    data.writeUInt32LE(data.readUInt32LE(4) ^ 1, 4);
    const foreignVersion = Buffer.concat([createHash("sha256").update(data).digest(), data]);
    for (const [label, contents] of [
      ["random bytes", Buffer.alloc(realCache.length, 0xa5)],
      ["bit-flipped body", flipped],
      ["truncated", realCache.subarray(0, realCache.length >> 1)],
      ["truncated planted", evilCache.subarray(0, 200)],
      ["header only", realCache.subarray(0, 32)],
      ["another V8's", foreignVersion],
      ["empty", Buffer.alloc(0)],
    ] as const) {
      const [cacheHome] = plant(`corrupt-${label.replaceAll(/\W/g, "-")}`, contents);
      await attack(`${label} cache`, cacheHome);
    }
    // A cache of another command is for the same source: V8 may use it, and the answer is right.
    const [otherHome, otherDir] = plant("other-command", Buffer.alloc(0));
    copyFileSync(join(real, "master-control", "v8-code-cache", cacheName), join(otherDir, cacheName.replace(/^tools-/, "tool-")));
    await attack("another command's cache", otherHome);
  });
});
