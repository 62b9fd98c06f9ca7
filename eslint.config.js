// The architecture, written as lint rules: libraries never print, exit or read argv; every
// file is kebab-case and named for one concept; node built-ins use `node:`; types are imported
// as types; no default exports (config files excepted: their tools require them); a package
// imports only the packages below it in the graph (core ← policy, approvals, tools-* ← runtime ←
// mcp-server ← cli ← apps/mc) and only what its package.json declares, with no import cycles.
// typescript-eslint's type-checked rules run wherever a tsconfig covers the file.
import { join } from "node:path";
import importX from "eslint-plugin-import-x";
import jsdoc from "eslint-plugin-jsdoc";
import unicorn from "eslint-plugin-unicorn";
import tseslint from "typescript-eslint";

const root = import.meta.dirname;

const libraries = ["packages/*/src/**/*.ts"];
const tests = ["**/*.test.ts", "**/*.test-d.ts", "**/test/**", "**/test-support.ts", "**/test-*.ts", "**/__fixtures__/**", "**/fixtures/**"];
// Files whose devDependencies are theirs to use: tests, build and test configs, scripts, tooling.
const developmentFiles = [
  ...tests,
  "**/*.config.ts",
  "**/*.config.js",
  "**/*.config.mjs",
  "tsup.base.ts",
  "**/scripts/**",
  "scripts/**",
  "tooling/**",
  "bench/**",
  "packaging/**",
];

/** Test-only workspace packages: a test may import them, shipped code never (no-extraneous-dependencies holds that). */
const toolingPackages = ["@mc/systemd-harness", "@mc/postgres-harness", "@mc/schema-compat"];

/**
 * The package graph: each package may import only the @mc packages listed for it (and tooling, in tests).
 * A package higher up may import any package lower down.
 */
const layers = {
  "packages/core": [],
  "packages/policy": ["@mc/core"],
  "packages/approvals": ["@mc/core"],
  "packages/tools-systemd": ["@mc/core"],
  "packages/tools-config": ["@mc/core"],
  "packages/runtime": ["@mc/core", "@mc/policy", "@mc/approvals", "@mc/tools-systemd", "@mc/tools-config"],
  // The surfaces go through the runtime only: no store (approvals, audit) and no tool package, so
  // every approval is the runtime's audited decision and every tool call passes its pipeline.
  "packages/mcp-server": ["@mc/core", "@mc/policy", "@mc/runtime"],
  "packages/cli": ["@mc/core", "@mc/policy", "@mc/runtime", "@mc/mcp-server"],
  "tooling/schema-compat": ["@mc/core"],
  "tooling/systemd-harness": [],
  "tooling/postgres-harness": [],
};

const packageNames = {
  "packages/core": "@mc/core",
  "packages/policy": "@mc/policy",
  "packages/approvals": "@mc/approvals",
  "packages/tools-systemd": "@mc/tools-systemd",
  "packages/tools-config": "@mc/tools-config",
  "packages/runtime": "@mc/runtime",
  "packages/mcp-server": "@mc/mcp-server",
  "packages/cli": "@mc/cli",
  "tooling/schema-compat": "@mc/schema-compat",
  "tooling/systemd-harness": "@mc/systemd-harness",
  "tooling/postgres-harness": "@mc/postgres-harness",
};

const graphRules = Object.entries(layers).map(([folder, allowed]) => ({
  files: [`${folder}/**/*.{ts,js,mjs}`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            // A package's own name stays allowed: its fixtures run the built package as a user would.
            group: ["@mc/*", ...new Set([...allowed, packageNames[folder], ...toolingPackages].map((name) => `!${name}`))],
            message: `${folder} may import only ${allowed.length === 0 ? "no @mc package" : allowed.join(", ")} (the package graph points one way: core ← policy, approvals, tools-* ← runtime ← mcp-server ← cli ← apps/mc).`,
          },
        ],
      },
    ],
  },
}));

// Each workspace project's imports are checked against its own package.json; the root's
// devDependencies (vitest, fast-check, tsup) serve every project's tests and configs.
const workspaceProjects = [...Object.keys(layers), "apps/mc", "bench", "examples/agent"];
const dependencyRules = workspaceProjects.map((folder) => ({
  files: [`${folder}/**/*.{ts,js,mjs}`],
  rules: {
    "import-x/no-extraneous-dependencies": ["error", { devDependencies: developmentFiles, includeTypes: true, packageDir: [join(root, folder), root] }],
  },
}));

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      "**/.tmp/**",
      "**/coverage/**",
      "**/*.generated.ts",
      "**/embedded-migrations*.ts",
      "**/drizzle/**",
      "**/drizzle-pg/**",
      ".test-results/**",
    ],
  },
  {
    files: ["**/*.{ts,js,mjs}"],
    extends: [tseslint.configs.recommended],
    plugins: { unicorn, jsdoc, "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      // `./file.js` in TypeScript source names `./file.ts`: resolve it so no-cycle can follow it.
      "import-x/resolver-next": [importX.createNodeResolver({ extensions: [".ts", ".js", ".mjs", ".d.ts"], extensionAlias: { ".js": [".ts", ".js"] } })],
    },
    rules: {
      // `typeof import("x")` stays allowed: it types a lazily imported module without loading it.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "unicorn/prefer-node-protocol": "error",
      "unicorn/filename-case": ["error", { case: "kebabCase" }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports (src/index.ts is the public API)." }],
      "no-var": "error",
      eqeqeq: ["error", "always"],
      "import-x/no-extraneous-dependencies": ["error", { devDependencies: developmentFiles, includeTypes: true }],
      "import-x/no-relative-packages": "error",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-self-import": "error",
    },
  },
  // Type-aware rules where a tsconfig covers the file (each package's src; the test folders that have their own tsconfig).
  {
    files: ["packages/*/src/**/*.ts", "tooling/*/src/**/*.ts", "apps/mc/src/**/*.ts", "apps/mc/test/**/*.ts"],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  ...[
    ["packages/cli/test/**/*.ts", "packages/cli/tsconfig.test.json"],
    ["packages/tools-config/test/**/*.ts", "packages/tools-config/tsconfig.test.json"],
    ["packages/approvals/test/**/*.ts", "packages/approvals/test/tsconfig.json"],
  ].map(([files, project]) => ({
    files: [files],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { project, tsconfigRootDir: import.meta.dirname } },
  })),
  ...graphRules,
  ...dependencyRules,
  {
    files: tests,
    rules: {
      // Test doubles implement async interfaces (CommandRunner.run, a verifier) with synchronous
      // bodies, and spies are read off their objects (expect(runner.run)): both are the point there.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/unbound-method": "off",
      // Tests read JSON (JSON.parse, MCP results, subprocess output) as `any` and check it with
      // expect(): the assertion is the type check there. Shipped code keeps the no-unsafe rules.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
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
        {
          object: "process",
          property: "exitCode",
          message: "Libraries never set the exit code: throw a typed error (the CLI's entry turns it into the exit code).",
        },
      ],
      "jsdoc/require-jsdoc": ["error", { publicOnly: true, require: { FunctionDeclaration: true, ClassDeclaration: true } }],
      // Exported functions document every parameter and the result; internal helpers may be brief.
      "jsdoc/require-param": ["error", { checkDestructured: false, contexts: ["ExportNamedDeclaration > FunctionDeclaration"] }],
      "jsdoc/require-returns": ["error", { contexts: ["ExportNamedDeclaration > FunctionDeclaration"] }],
    },
  },
  {
    files: [
      "**/tsup.config.ts",
      "**/vitest.config.ts",
      "**/vitest.config.mjs",
      "**/drizzle.config.ts",
      "**/drizzle.*.config.ts",
      "**/global-setup.ts",
      "eslint.config.js",
      "prettier.config.js",
    ],
    // Config files export defaults because their tools require it; tsup configs spread the
    // workspace's one base config (tsup.base.ts), which is not a package.
    rules: { "no-restricted-syntax": "off", "import-x/no-relative-packages": "off" },
  },
);
