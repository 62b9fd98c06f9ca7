import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts"],
  // vitest is a devDependency (tsup would bundle it): the consumer's own vitest must be used.
  external: ["vitest"],
});
