// Entry of the single-file bundle (dist/mc.mjs): the whole `mc` command in one file that
// desktop MCP clients can start with `node mc.mjs mcp serve`.
import { main } from "@mc/cli";

process.exitCode = await main(process.argv.slice(2));
