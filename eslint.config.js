// The architecture, written as lint rules: libraries never print, exit or read argv; every
// file is kebab-case and named for one concept; node built-ins use `node:`; types are imported
// as types; no default exports (config files excepted: their tools require them).
import jsdoc from "eslint-plugin-jsdoc";
import unicorn from "eslint-plugin-unicorn";
import tseslint from "typescript-eslint";

const libraries = ["packages/*/src/**/*.ts"];
const tests = ["**/*.test.ts", "**/test/**/*.ts", "**/test-support.ts", "**/__fixtures__/**", "**/fixtures/**"];

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/.tmp/**", "**/coverage/**", "**/*.generated.ts", "**/embedded-migrations.ts", "**/drizzle/**"],
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.base],
    plugins: { unicorn, jsdoc },
    rules: {
      // `typeof import("x")` stays allowed: it types a lazily imported module without loading it.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "unicorn/prefer-node-protocol": "error",
      "unicorn/filename-case": ["error", { case: "kebabCase" }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports (src/index.ts is the public API)." }],
      "no-var": "error",
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: libraries,
    ignores: tests,
    rules: {
      "no-console": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Libraries never exit: throw a typed error (only the CLI's bin sets the exit code)." },
        { object: "process", property: "argv", message: "Libraries never read argv: take options." },
      ],
      "jsdoc/require-jsdoc": ["error", { publicOnly: true, require: { FunctionDeclaration: true, ClassDeclaration: true } }],
      // Exported functions document every parameter and the result; internal helpers may be brief.
      "jsdoc/require-param": ["error", { checkDestructured: false, contexts: ["ExportNamedDeclaration > FunctionDeclaration"] }],
      "jsdoc/require-returns": ["error", { contexts: ["ExportNamedDeclaration > FunctionDeclaration"] }],
    },
  },
  {
    files: ["**/tsup.config.ts", "**/vitest.config.ts", "**/drizzle.config.ts", "**/global-setup.ts", "eslint.config.js"],
    rules: { "no-restricted-syntax": "off" },
  },
);
