import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts"],
  // Each command stays its own chunk, imported only when run: `mc --version` must not load the
  // runtime, the database driver or the MCP SDK.
  splitting: true,
});
