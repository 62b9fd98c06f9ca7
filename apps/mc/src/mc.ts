// Entry of the single-file bundle (dist/mc.mjs): the whole `mc` command in one file that
// desktop MCP clients can start with `node mc.mjs mcp serve`. The CLI is inside as one CommonJS
// script (tsup.config.ts) and runs through V8's code cache like the bin; the cache is kept
// in the same trusted directory rule (@mc/cli/code-cache), keyed by this file's path and contents.
import { fileURLToPath } from "node:url";
import { runMc } from "@mc/cli/code-cache";
import { carrier } from "virtual:mc-body";

/**
 * The CLI's script: the one line comment in `carrier`'s source. Sliced from V8's text of this
 * module's source, which V8 keeps while the process runs anyway, it is not a copy of the code.
 * @returns the script
 */
function carriedScript(): string {
  const text = carrier.toString();
  const start = text.indexOf("//") + 2;
  if (start === 1) throw new Error("mc.mjs was built without the CLI's script");
  return text.slice(start, text.indexOf("\n", start));
}

process.exitCode = await runMc({ filename: fileURLToPath(import.meta.url), script: carriedScript(), argv: process.argv.slice(2) });
