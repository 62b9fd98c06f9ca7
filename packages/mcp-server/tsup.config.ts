import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts", "src/stdio.ts", "src/http.ts"],
  // Split: the stdio entry imports the MCP SDK and the runtime only when it needs them
  // (stdio-session.ts, after the early answer to `initialize`), so they must stay chunks of their own.
  splitting: true,
});
