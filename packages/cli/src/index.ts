/**
 * @mc/cli — the `mc` command. The bin (`bin/mc.js`) only imports this entry and sets the exit
 * code; `main` never exits or reads process.argv itself, so it can be tested in-process.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { main } from "./cli.js";
export { EXIT, ExitError } from "./exit-error.js";
export type { CliIo } from "./io.js";
export { VERSION } from "./version.js";
