#!/usr/bin/env node
// Compiling mc's code is a good part of every start, and V8 can keep the compiled code between
// runs. The bin runs the CLI built as one CommonJS file (dist/mc.cjs) through V8's code cache for
// scripts (./code-cache.js), one cache per command, on every Node: Node 20 has no
// module.enableCompileCache, and on Node 22 this was faster too than the ES module chunks with
// Node's compile cache (in turns, 12 each: mc tools 81 vs 90 ms, a tool call 124 vs 152,
// spawn → initialize 74 vs 73). --version and --help load only the ES module build's entry chunk,
// with Node's compile cache where there is one. Either cache must be a directory that only this
// user (or root) can write, all the way up: mc often runs as root, and code cached where another
// user can write would be code of that user's choosing. Anything else, and mc starts without it.
import module from "node:module";
import { fileURLToPath } from "node:url";
import { commandCacheName, runMc, trustedCacheDirectory } from "./code-cache.js";

const argv = process.argv.slice(2);
const command = commandCacheName(argv);
// --version and --help: the entry chunk alone is less than the CommonJS file's whole top level
// (Node 20: 64 vs 72 ms with a warm cache).
if (command === "version" || command === "help") {
  const cacheDirectory =
    typeof module.enableCompileCache !== "function" || process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : trustedCacheDirectory("node-compile-cache");
  if (cacheDirectory !== undefined) module.enableCompileCache(cacheDirectory);
  const { main } = await import("../dist/index.js");
  process.exitCode = await main(argv);
} else {
  process.exitCode = await runMc({ filename: fileURLToPath(new URL("../dist/mc.cjs", import.meta.url)), argv });
}
