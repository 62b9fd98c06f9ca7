import type { Options } from "tsup";

/** Shared tsup settings: every package is ESM-only with declarations and source maps. */
export const baseTsupOptions = {
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: false,
  treeshake: true,
} satisfies Options;
