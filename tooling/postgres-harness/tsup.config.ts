import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts"],
});
