import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  // The CLI is its own entry so importing the library never pulls in argument parsing.
  entry: ["src/index.ts", "src/cli.ts"],
});
