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
import { commandCacheName, loadWithCodeCache, trustedCacheDirectory } from "./code-cache.js";

const argv = process.argv.slice(2);
if (typeof module.enableCompileCache === "function") {
  const cacheDirectory = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : trustedCacheDirectory("node-compile-cache");
  if (cacheDirectory !== undefined) module.enableCompileCache(cacheDirectory);
  const { main } = await import("../dist/index.js");
  process.exitCode = await main(argv);
} else {
  const command = commandCacheName(argv);
  const cli = loadWithCodeCache(fileURLToPath(new URL("../dist/mc.cjs", import.meta.url)), command);
  // A server keeps running: its cache is made once it answered its client's first requests.
  if (command === "mcp-serve") setTimeout(cli.save, 2_000).unref();
  process.exitCode = await cli.exports.main(argv);
  cli.save();
}
