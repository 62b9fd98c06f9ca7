// Entry of the single-file bundle (dist/mc.mjs): the whole `mc` command in one file that
// desktop MCP clients can start with `node mc.mjs mcp serve`. The CLI is inside as one CommonJS
// script (tsup.config.ts) and runs through V8's code cache like the bin; the cache is kept
// in the same trusted directory rule (@mc/cli/code-cache), keyed by this file's path and contents.
import { fileURLToPath } from "node:url";
import { runMc } from "@mc/cli/code-cache";
import { script } from "virtual:mc-body";

process.exitCode = await runMc({ filename: fileURLToPath(import.meta.url), script, argv: process.argv.slice(2) });
