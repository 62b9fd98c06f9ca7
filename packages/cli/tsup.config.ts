import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

// The bin's dependencies (mc's packages and the npm ones) are bundled in: resolving and loading
// hundreds of files from node_modules was most of every command's start-up (doctor 625 → 360 ms,
// a tool call 410 → 277 ms, MCP initialize 483 → 333 ms on the bench machine). The dependencies
// stay declared, so a release of any of them releases the CLI (changesets bumps dependents) with a
// rebuilt bundle. The libSQL client stays outside: its native binding cannot be inlined, and must
// be found from an installed libsql (a direct dependency, so npm installs it beside the CLI however
// the tree is laid out); it is loaded only when the database is first used.
const noExternal = [/^(?!@libsql\/|libsql(\/|$))/];

export default defineConfig([
  {
    ...baseTsupOptions,
    entry: ["src/index.ts"],
    // dist/mc.cjs is the other build's, which runs beside this one.
    clean: ["!mc.cjs"],
    // Each command stays its own chunk, imported only when run: `mc --version` must not load the
    // runtime, the database driver or the MCP SDK.
    splitting: true,
    noExternal,
    // CommonJS dependencies inside ES module chunks still call require().
    banner: { js: 'import { createRequire as __mcCreateRequire } from "node:module"; const require = __mcCreateRequire(import.meta.url);' },
  },
  {
    // dist/mc.cjs: the same CLI as one CommonJS file, which the bin runs through V8's code cache
    // (bin/code-cache.js; Node 20 has no module.enableCompileCache, V8 caches code for scripts, not
    // for ES modules, and on Node 22 this beat the chunks with Node's compile cache). Without splitting, esbuild turns each command's import()
    // into a function that evaluates that command's modules when first called, so `mc --version`
    // still evaluates neither the runtime, the database driver nor the MCP SDK.
    entry: { mc: "src/index.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    target: "node20",
    platform: "node",
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    // esbuild's own tree shaking: tsup's (rollup) would hoist every require() of libSQL to the
    // top of the file, loading it for `mc --version` too.
    treeshake: false,
    noExternal,
    // import.meta.url has no meaning in CommonJS: it is computed from __filename.
    define: { "import.meta.url": "__mcImportMetaUrl" },
    banner: { js: 'const __mcImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    esbuildOptions(options) {
      // import("@libsql/client") becomes require(): one copy of the client (its CommonJS build, the
      // one drizzle's libsql driver requires), and a plain script needs no dynamic import hook.
      options.supported = { ...options.supported, "dynamic-import": false };
      // Minified, the file is less than half the size (2.5 → 1.1 MB) to read, hash and parse, and
      // its code cache smaller to check and deserialize: with a warm cache, loading it took 45
      // instead of 54 ms (--version), 43 vs 53 (tools), 49 vs 74 (a tool call) than with only
      // whitespace removed. Errors are shown by message; the ES module build keeps source maps.
      options.minify = true;
    },
    // Every non-ASCII character escaped (esbuild leaves some in regular expressions and template
    // literals): the bin reads an ASCII file as Latin-1, a plain copy into a one-byte string,
    // where decoding UTF-8 cost 4 ms more on every start.
    plugins: [
      {
        name: "ascii-only",
        renderChunk: (code) => ({ code: code.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`) }),
      },
    ],
  },
]);
