import { builtinModules } from "node:module";
import { defineConfig } from "tsup";

// One file with every dependency inlined, so `node mc.mjs mcp serve` needs no node_modules.
// libSQL's native binding cannot be inlined; it is loaded only when the database is first used.
export default defineConfig({
  entry: { mc: "src/mc.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  outExtension: () => ({ js: ".mjs" }),
  // Every package but Node's own modules: the CLI's chunks import builtins without "node:" (tsup
  // strips it), and esbuild does not know them all by their bare names (readline/promises).
  noExternal: [new RegExp(`^(?!(${builtinModules.join("|").replaceAll("/", "\\/")})$)`)],
  external: [...builtinModules, "libsql", /^@libsql\/(linux|darwin|win32)-/],
  splitting: false,
  sourcemap: false,
  clean: true,
  minify: false,
  treeshake: true,
  dts: false,
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: 'import { createRequire as __mcCreateRequire } from "node:module"; const require = __mcCreateRequire(import.meta.url);' },
});
