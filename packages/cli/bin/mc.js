#!/usr/bin/env node
// Node ≥ 22.1 keeps V8's compiled code of the modules imported below between runs
// (module.enableCompileCache): compiling mc's chunks is a good part of every start. Node 20 has
// no such cache, and the step is skipped. The cache must be a directory that only this user (or
// root) can write, all the way up: mc often runs as root, and code cached where another user can
// write would be code of that user's choosing. Anything else, and mc starts without it.
import { lstatSync, mkdirSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

function trustedCacheDirectory() {
  if (typeof module.enableCompileCache !== "function" || process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const directory = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "master-control", "node-compile-cache");
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const uid = process.getuid?.();
    for (let path = directory; ; path = dirname(path)) {
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (stat.uid !== uid && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return undefined;
      if (dirname(path) === path) return directory;
    }
  } catch {
    return undefined;
  }
}

const cacheDirectory = trustedCacheDirectory();
if (cacheDirectory !== undefined) module.enableCompileCache(cacheDirectory);
const { main } = await import("../dist/index.js");

process.exitCode = await main(process.argv.slice(2));
