#!/usr/bin/env node
// Compiling mc's code is a good part of every start, and V8 can keep the compiled code between
// runs. Node ≥ 22.1 does it for the ES module chunks imported below (module.enableCompileCache).
// Node 20 has no such cache: there the bin runs the same CLI built as one CommonJS file
// (dist/mc.cjs) through V8's code cache for scripts (./code-cache.js). Either cache must be a
// directory that only this user (or root) can write, all the way up: mc often runs as root, and
// code cached where another user can write would be code of that user's choosing. Anything else,
// and mc starts without it.
import module from "node:module";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { commandCacheName, loadWithCodeCache, trustedCacheDirectory } from "./code-cache.js";

const argv = process.argv.slice(2);
const command = commandCacheName(argv);
// `mc mcp serve` sets V8 flags on itself (src/heap-tuning.ts: SERVE_V8_FLAGS, on V8 11 and 12), and
// V8 rejects code cached under other flags: cached after they were set, the server's code would
// be rejected at every next start (and compiled and written again). Set first, before any code is
// compiled, they are the flags of both the run that caches and the runs that use the cache.
if (command === "mcp-serve" && [11, 12].includes(Number.parseInt(process.versions.v8, 10))) {
  for (const flag of ["--semi-space-growth-factor=1", "--optimize-for-size"]) setFlagsFromString(flag);
}
if (typeof module.enableCompileCache === "function") {
  const cacheDirectory = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : trustedCacheDirectory("node-compile-cache");
  if (cacheDirectory !== undefined) module.enableCompileCache(cacheDirectory);
  const { main } = await import("../dist/index.js");
  process.exitCode = await main(argv);
} else {
  const cli = loadWithCodeCache(fileURLToPath(new URL("../dist/mc.cjs", import.meta.url)), command);
  // A server keeps running: its cache is made once it answered its client's first requests.
  if (command === "mcp-serve") setTimeout(cli.save, 2_000).unref();
  process.exitCode = await cli.exports.main(argv);
  cli.save();
}
