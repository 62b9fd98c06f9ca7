// Runs a CommonJS file (the CLI's dist/mc.cjs) through V8's code cache, for Node versions without
// module.enableCompileCache (Node 20): `new vm.Script(source, { cachedData })` skips compiling
// what an earlier run of the same command compiled, the way v8-compile-cache does for require().
//
// The cache lives only in a directory that this user (or root) alone can write, all the way up to
// /: mc often runs as root, and code cached where another user can write would be code of that
// user's choosing. A cache file is opened without following symlinks and used only if it is a
// regular file of this user (or root) that no one else can write, and whose data matches the
// SHA-256 digest stored before it: V8 checks cached data only against the source's length and its
// own version and flags, runs code compiled from any other source of that length, and aborts the
// process on a corrupt one (no checksum in release builds). The file's name carries the SHA-256
// of the source, Node's version and the architecture. Anything amiss, and the file compiles from
// source: the cache never fails a command.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

// node:crypto and node:vm are loaded when first needed: the ES module path of the bin (Node ≥ 22.1,
// --version) uses neither, and loading them took part of every start.
const require = createRequire(import.meta.url);
const createHash = (algorithm) => require("node:crypto").createHash(algorithm);
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";

/**
 * The cache directory `<$XDG_CACHE_HOME or ~/.cache>/master-control/<name>` if it and every
 * directory above it is a real directory (not a symlink) owned by this user or root and not
 * writable by group or others; otherwise undefined. Missing directories are created (mode 0700)
 * only below a directory that passes: nothing is made in a place that does not.
 * @param {string} name - the last path component
 * @returns {string | undefined}
 */
export function trustedCacheDirectory(name) {
  try {
    const directory = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "master-control", name);
    let existing = directory;
    while (lstatSync(existing, { throwIfNoEntry: false }) === undefined) existing = dirname(existing);
    if (!trustedAllTheWayUp(existing)) return undefined;
    if (existing === directory) return directory;
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    return trustedAllTheWayUp(directory) ? directory : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `path` and every directory above it is a real directory (not a symlink) owned by this
 * user or root and not writable by group or others.
 * @param {string} path
 * @returns {boolean}
 */
function trustedAllTheWayUp(path) {
  const uid = process.getuid?.();
  for (let current = path; ; current = dirname(current)) {
    const stat = lstatSync(current);
    if (!stat.isDirectory() || (stat.uid !== uid && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return false;
    if (dirname(current) === current) return true;
  }
}

const DIGEST_BYTES = 32;

/**
 * The cached data in a cache file if it is a regular file (not a symlink) owned by this user or
 * root and writable by no one else, and the data matches the digest before it; otherwise undefined.
 * @param {string} path
 * @returns {Buffer | undefined}
 */
function readCacheFile(path) {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (stat.uid !== uid && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return undefined;
    const contents = readFileSync(fd);
    const data = contents.subarray(DIGEST_BYTES);
    if (contents.length <= DIGEST_BYTES || !createHash("sha256").update(data).digest().equals(contents.subarray(0, DIGEST_BYTES))) return undefined;
    return data;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How long a cache file of another installation or Node version is kept after it was last read or written. */
const UNUSED_CACHE_MS = 30 * 24 * 60 * 60 * 1000;
/** How long a temporary file (a write cut short) is kept. */
const TEMPORARY_MS = 24 * 60 * 60 * 1000;

/**
 * Writes `data` after its digest to `path` atomically (a private temporary file renamed over it) and removes the
 * older caches with the same prefix (this command and installation; other sources). Caches of other installations
 * and Node versions are removed once unused for 30 days (neither read nor written: an upgraded Node or a moved mc
 * leaves its caches behind, ~1 MB a command), and temporary files after a day; a cache still in use that is removed
 * (atime not kept) is made again by its next run. Errors are ignored.
 * @param {string} path
 * @param {Buffer} data
 * @param {string} prefix - the file name prefix of this command's caches
 */
function writeCacheFile(path, data, prefix) {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([createHash("sha256").update(data).digest(), data]), { mode: 0o600, flag: "wx" });
    renameSync(temporary, path);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // not created
    }
    return;
  }
  const directory = dirname(path);
  const now = Date.now();
  try {
    for (const name of readdirSync(directory)) {
      if (name === basename(path)) continue;
      try {
        if (name.startsWith(prefix) && name.endsWith(".bin")) {
          unlinkSync(join(directory, name));
          continue;
        }
        const stat = lstatSync(join(directory, name));
        if (!stat.isFile()) continue;
        const unusedMs = now - Math.max(stat.atimeMs, stat.mtimeMs);
        if ((name.endsWith(".bin") && unusedMs > UNUSED_CACHE_MS) || (name.endsWith(".tmp") && unusedMs > TEMPORARY_MS)) unlinkSync(join(directory, name));
      } catch {
        // gone already, or not ours to remove
      }
    }
  } catch {
    // the directory cannot be listed: nothing is cleaned up this time
  }
}

/**
 * Loads the CommonJS file `filename` through the code cache of `command` (a short name: each
 * command keeps the functions it compiled) and returns its exports, with `save()` to call once
 * the command did its work: it stores the compiled code if there was no usable cache.
 * @param {string} filename - absolute path of a CommonJS file
 * @param {string} command - e.g. "tools", "mcp-serve"
 * @returns {{ exports: any, save: () => void, status: "accepted" | "rejected" | "none" | "off" }}
 */
export function loadWithCodeCache(filename, command) {
  const bytes = readFileSync(filename);
  // The wrapper of Node's CommonJS loader, so the code sees require, module, __filename, __dirname.
  return runScript(wrapCommonJs(bytes.toString(require("node:buffer").isAscii(bytes) ? "latin1" : "utf8")), filename, command, bytes);
}

/** Node's CommonJS wrapper around a module's code (see {@link wrapCommonJs}). */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname) {", "\n})"];

/**
 * The script a CommonJS module's code runs as: Node's CommonJS wrapper, a function expression
 * of (exports, require, module, __filename, __dirname) around `source`.
 * @param {string} source - the CommonJS code
 * @returns {string}
 */
export function wrapCommonJs(source) {
  return `${WRAPPER[0]}${source}${WRAPPER[1]}`;
}

/**
 * Compiles and runs `script` (a function expression as {@link wrapCommonJs} makes) as the file
 * `filename` through the code cache of `command`; `contents` (the script, or what it was made
 * from) names the cache with its SHA-256.
 * @param {string} script
 * @param {string} filename
 * @param {string} command
 * @param {string | Buffer} contents
 * @returns {{ exports: any, save: () => void, status: "accepted" | "rejected" | "none" | "off" }}
 */
function runScript(script, filename, command, contents) {
  const directory = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : trustedCacheDirectory("v8-code-cache");
  let cachePath;
  let cachedData;
  // One file per command, installation (path) and Node: another mc (a bundle, another version) or
  // the same one run by another Node keeps its own (alternating, they deleted each other's), and
  // the one this replaces is this installation's for an older source.
  const prefix = `${command}-${createHash("sha256").update(`${filename}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 12)}-`;
  if (directory !== undefined) {
    const key = createHash("sha256").update(contents).update(`\0${process.version}\0${process.arch}\0${filename}`).digest("hex");
    cachePath = join(directory, `${prefix}${key}.bin`);
    cachedData = readCacheFile(cachePath);
  }
  const compiled = new (require("node:vm").Script)(script, { filename, cachedData });
  const status = directory === undefined ? "off" : cachedData === undefined ? "none" : compiled.cachedDataRejected ? "rejected" : "accepted";
  const module = { exports: {}, filename, id: filename, loaded: false };
  compiled.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
  module.loaded = true;
  let saved = status === "accepted" || status === "off";
  return {
    exports: module.exports,
    status,
    save() {
      if (saved) return;
      saved = true;
      try {
        writeCacheFile(cachePath, compiled.createCachedData(), prefix);
      } catch {
        // no cache this time
      }
    },
  };
}

/**
 * The cache name of the command in `argv`: its first one or two words (`mcp-serve`, `tools`,
 * `tool`), so each keeps the code it runs; "other" for anything unusual.
 * @param {readonly string[]} argv - the arguments after `mc`
 * @returns {string}
 */
export function commandCacheName(argv) {
  const words = argv.filter((argument) => !argument.startsWith("-"));
  if (argv.includes("--version") || argv.includes("-V")) return "version";
  if (argv.includes("--help") || argv.includes("-h") || words.length === 0) return "help";
  const [first, second] = words;
  const name = ["mcp", "policy", "approvals", "audit", "config"].includes(first) && second !== undefined ? `${first}-${second}` : first;
  return /^[a-z][a-z-]{0,31}$/.test(name) ? name : "other";
}

/**
 * Runs the `mc` command in `argv` from CommonJS code through the code cache, and returns its exit
 * code: the file `filename`, or run as that file `script`, the function {@link wrapCommonJs} makes
 * of the CLI's code (what the single-file bundle carries: wrapped when it was built,
 * the text it holds is the very string V8 compiles and keeps, not a copy made at every start).
 * The bin and the single-file bundle both start this way.
 * @param {{ filename: string, script?: string, argv: readonly string[] }} options
 * @returns {Promise<number>}
 */
export async function runMc({ filename, script, argv }) {
  const command = commandCacheName(argv);
  const cli = script === undefined ? loadWithCodeCache(filename, command) : runScript(script, filename, command, script);
  // `mc mcp serve` sets V8 flags on itself when it starts (@mc/cli's heap-tuning.ts), and V8 rejects
  // code cached under other flags than its own at the next start: the server's cache is made before,
  // with the file's top level (what it runs before answering initialize); the rest compiles from
  // source. Made at the end of a session, it was rejected at every start; made under the same flags
  // set first, every start ran slower under --optimize-for-size (spawn → initialize 80 vs 68 ms).
  if (command === "mcp-serve") cli.save();
  const exitCode = await cli.exports.main(argv);
  cli.save();
  return exitCode;
}
