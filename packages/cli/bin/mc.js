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
import { commandCacheName, runMc, trustedCacheDirectory } from "./code-cache.js";

const argv = process.argv.slice(2);
const command = commandCacheName(argv);
// --version and --help load only the entry chunk of the ES module build: less than compiling or
// deserializing the whole CommonJS file's top level (Node 20: 64 vs 72 ms with a warm cache).
if (typeof module.enableCompileCache === "function" || command === "version" || command === "help") {
  const cacheDirectory =
    typeof module.enableCompileCache !== "function" || process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : trustedCacheDirectory("node-compile-cache");
  if (cacheDirectory !== undefined) module.enableCompileCache(cacheDirectory);
  const { main } = await import("../dist/index.js");
  process.exitCode = await main(argv);
} else {
  process.exitCode = await runMc({ filename: fileURLToPath(new URL("../dist/mc.cjs", import.meta.url)), argv });
}
