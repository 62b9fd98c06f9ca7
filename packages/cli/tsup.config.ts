import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts"],
  // Each command stays its own chunk, imported only when run: `mc --version` must not load the
  // runtime, the database driver or the MCP SDK.
  splitting: true,
  // The bin is bundled with its dependencies (mc's packages and the npm ones): resolving and
  // loading hundreds of files from node_modules was most of every command's start-up (doctor
  // 625 → 360 ms, a tool call 410 → 277 ms, MCP initialize 483 → 333 ms on the bench machine).
  // The dependencies stay declared, so a release of any of them releases the CLI (changesets
  // bumps dependents) with a rebuilt bundle. The libSQL client stays outside: its native
  // binding cannot be inlined, and must be found from an installed libsql (a direct dependency,
  // so npm installs it beside the CLI however the tree is laid out); it is loaded only when the
  // database is first used.
  noExternal: [/^(?!@libsql\/|libsql(\/|$))/],
  // CommonJS dependencies inside ES module chunks still call require().
  banner: { js: 'import { createRequire as __mcCreateRequire } from "node:module"; const require = __mcCreateRequire(import.meta.url);' },
});
