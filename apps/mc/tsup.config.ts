import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { wrapCommonJs } from "@mc/cli/code-cache";
import { defineConfig } from "tsup";

// One file with every dependency inlined, so `node mc.mjs mcp serve` needs no node_modules.
// libSQL's native binding cannot be inlined; it is loaded only when the database is first used.
const external = [...builtinModules, "libsql", /^@libsql\/(linux|darwin|win32)-/];
// The CLI's CommonJS build (@mc/cli's dist/mc.cjs), the body that mc.mjs runs.
const cliBody = join(dirname(createRequire(import.meta.url).resolve("@mc/cli/package.json")), "dist", "mc.cjs");

export default defineConfig({
  entry: { mc: "src/mc.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  outExtension: () => ({ js: ".mjs" }),
  // Every package but Node's own modules: the CLI's chunks import builtins without "node:" (tsup
  // strips it), and esbuild does not know them all by their bare names (readline/promises).
  noExternal: [new RegExp(`^(?!(${builtinModules.join("|").replaceAll("/", "\\/")})$)`)],
  external,
  splitting: false,
  sourcemap: false,
  clean: true,
  minify: false,
  treeshake: true,
  dts: false,
  esbuildPlugins: [
    {
      // `virtual:mc-body`: the CLI as one CommonJS text with its dependencies inlined, which
      // mc.mjs runs through V8's code cache (@mc/cli/code-cache) — an ES module's code is not
      // cached on Node 20, and compiling all of it was most of every start. Still one file.
      // Wrapped here in Node's CommonJS function (wrapCommonJs), so that the string literal's value
      // is the very script V8 compiles and keeps: V8 keeps mc.mjs's own source for as long as the
      // process runs, and wrapping at every start made a third copy of the 1.3 MB of code.
      name: "mc-body",
      setup(build) {
        build.onResolve({ filter: /^virtual:mc-body$/ }, () => ({ path: cliBody, namespace: "mc-body" }));
        build.onLoad({ filter: /.*/, namespace: "mc-body" }, async () => {
          const result = await build.esbuild.build({
            entryPoints: [cliBody],
            bundle: true,
            write: false,
            format: "cjs",
            platform: "node",
            target: "node20",
            minify: true,
            charset: "ascii",
            // libsql's JavaScript is inlined like the rest (as in the ES module build, where noExternal
            // wins over external); only its native binding is loaded from node_modules.
            external: [...builtinModules, "@libsql/linux-*", "@libsql/darwin-*", "@libsql/win32-*"],
            // import("x") becomes require("x"): plain script code has no dynamic import hook.
            supported: { "dynamic-import": false },
            logLevel: "warning",
          });
          const text = result.outputFiles?.[0]?.text ?? "";
          // ASCII only (esbuild leaves some non-ASCII in regular expressions and templates).
          return {
            contents: `export const script = ${JSON.stringify(wrapCommonJs(text.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)))};`,
            loader: "js",
            watchFiles: [cliBody],
          };
        });
      },
    },
  ],
});
