import { readFileSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { wrapCommonJs } from "@mc/cli/code-cache";
import { defineConfig } from "tsup";

// One file with every dependency inlined, so `node mc.mjs mcp serve` needs no node_modules.
// libSQL's native binding cannot be inlined; it is loaded only when the database is first used.
const external = [...builtinModules, "libsql", /^@libsql\/(linux|darwin|win32)-/];
// The CLI's CommonJS build (@mc/cli's dist/mc.cjs), the body that mc.mjs runs.
const cliBody = join(dirname(createRequire(import.meta.url).resolve("@mc/cli/package.json")), "dist", "mc.cjs");
// What the mc-body plugin's carrier function returns until onSuccess puts the script in its place.
const PLACEHOLDER = "@mc-body-script@";
// The CLI's script on one line and its dependencies' license comments, made by the plugin.
const carried = { script: "", legal: "" };

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
      // V8 keeps mc.mjs's own source for as long as the process runs: a string literal of the code
      // kept it twice (the source and the literal's value), and wrapping it at every start three
      // times. So the script — Node's CommonJS function around the code, on ONE line — is written
      // as a line comment inside a function, `carrier`, whose source text mc.ts slices out: V8's
      // Function.prototype.toString and String.prototype.slice of it share mc.mjs's source, and
      // the script compiled is that very string. One line: templates are lowered to string
      // concatenation (`"a".concat(b)`, the same ToString as a template), so no string holds a raw
      // line break; onSuccess checks that none is left, and that the script compiles.
      name: "mc-body",
      setup(build) {
        build.onResolve({ filter: /^virtual:mc-body$/ }, () => ({ path: cliBody, namespace: "mc-body" }));
        build.onLoad({ filter: /.*/, namespace: "mc-body" }, async () => {
          const result = await build.esbuild.build({
            entryPoints: [cliBody],
            bundle: true,
            write: false,
            outfile: "mc-body.cjs",
            format: "cjs",
            platform: "node",
            target: "node20",
            minify: true,
            charset: "ascii",
            // Kept beside the script in mc.mjs, outside its one line.
            legalComments: "external",
            // libsql's JavaScript is inlined like the rest (as in the ES module build, where noExternal
            // wins over external); only its native binding is loaded from node_modules.
            external: [...builtinModules, "@libsql/linux-*", "@libsql/darwin-*", "@libsql/win32-*"],
            // import("x") becomes require("x"): plain script code has no dynamic import hook.
            // Template literals become strings: no raw line break in the one-line script.
            supported: { "dynamic-import": false, "template-literal": false },
            logLevel: "warning",
          });
          const code = result.outputFiles?.find((file) => file.path.endsWith("mc-body.cjs"))?.text ?? "";
          carried.legal = result.outputFiles?.find((file) => file.path.endsWith(".LEGAL.txt"))?.text ?? "";
          // ASCII only (esbuild leaves some non-ASCII in regular expressions): \u2028 and \u2029,
          // line breaks too, become escapes.
          const ascii = code.trimEnd().replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
          // Node's wrapper, but on one line: its tail is a line break and "})", here "})" alone.
          const [head] = wrapCommonJs("").split("\n");
          carried.script = `${head}${ascii}})`;
          return {
            contents: `export function carrier() { return ${JSON.stringify(PLACEHOLDER)}; }`,
            loader: "js",
            watchFiles: [cliBody],
          };
        });
      },
    },
  ],
  // The carrier's body becomes the script as a line comment (see mc-body above).
  async onSuccess() {
    const path = join("dist", "mc.mjs");
    const bundle = readFileSync(path, "utf8");
    const placeholder = `return ${JSON.stringify(PLACEHOLDER)};`;
    if (bundle.split(placeholder).length !== 2) throw new Error(`mc.mjs: expected the carrier's placeholder once`);
    if (/[\n\r]/.test(carried.script)) throw new Error("mc.mjs: the CLI's script has a line break, it cannot be carried as one line comment");
    new Script(carried.script, { filename: "mc-body.cjs" }); // throws if it does not compile
    if (!/^(\/\*![\s\S]*\*\/\s*)?$/.test(carried.legal)) throw new Error("mc.mjs: the license comments are not one comment block");
    writeFileSync(path, `${bundle.replace(placeholder, () => `//${carried.script}\n`)}${carried.legal}`);
  },
});
