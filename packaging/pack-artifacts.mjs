#!/usr/bin/env node
// Builds the installable release artifacts from a built workspace, the same way in the release
// workflow and in apps/mc/test/packaging/install.test.ts:
//   - one tarball per package (`pnpm pack`, which turns workspace:/catalog: ranges into
//     versions), installable together with `npm i -g ./mc-*.tgz` — no registry needed for mc;
//   - mc-bundle-<version>.tgz: the single-file bundle apps/mc/dist/mc.mjs with a package.json
//     that declares its one native dependency (libsql, whose platform binding cannot be
//     inlined) and an `mc` bin, installable with `npm i -g ./mc-bundle-<version>.tgz`.
// Usage: node packaging/pack-artifacts.mjs OUT_DIR   (prints the artifact names, one a line)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WORKSPACE = fileURLToPath(new URL("..", import.meta.url));
const out = resolve(process.argv[2] ?? join(WORKSPACE, "artifacts"));
mkdirSync(out, { recursive: true });

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

for (const name of readdirSync(join(WORKSPACE, "packages")).sort()) {
  const directory = join(WORKSPACE, "packages", name);
  if (readJson(join(directory, "package.json")).private === true) continue;
  execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: directory, stdio: ["ignore", "ignore", "inherit"] });
}

/** The libsql version @libsql/client resolves to here, so the bundle declares the binding it was built with. */
function libsqlVersion() {
  const fromApprovals = createRequire(join(WORKSPACE, "packages", "approvals", "package.json"));
  const fromClient = createRequire(fromApprovals.resolve("@libsql/client"));
  let directory = dirname(fromClient.resolve("libsql"));
  while (!readdirSync(directory).includes("package.json")) directory = dirname(directory);
  return readJson(join(directory, "package.json")).version;
}

const cli = readJson(join(WORKSPACE, "packages", "cli", "package.json"));
const staging = mkdtempSync(join(tmpdir(), "mc-bundle-pack-"));
try {
  copyFileSync(join(WORKSPACE, "apps", "mc", "dist", "mc.mjs"), join(staging, "mc.mjs"));
  // The bundle has no shebang line; npm links bins as executables, so a two-line launcher does it.
  writeFileSync(join(staging, "mc.js"), '#!/usr/bin/env node\nimport "./mc.mjs";\n', { mode: 0o755 });
  writeFileSync(
    join(staging, "package.json"),
    `${JSON.stringify(
      {
        name: "mc-bundle",
        version: cli.version,
        description: "mc (Master Control) as one file: the CLI, the MCP server and every tool; needs only libsql's native binding",
        license: cli.license,
        type: "module",
        bin: { mc: "mc.js" },
        files: ["mc.mjs", "mc.js"],
        engines: { node: ">=20.11" },
        dependencies: { libsql: libsqlVersion() },
      },
      null,
      2,
    )}\n`,
  );
  execFileSync("npm", ["pack", "--pack-destination", out, "--loglevel=error"], { cwd: staging, stdio: ["ignore", "ignore", "inherit"] });
} finally {
  rmSync(staging, { recursive: true, force: true });
}

for (const file of readdirSync(out)
  .filter((file) => file.endsWith(".tgz"))
  .sort())
  process.stdout.write(`${file}\n`);
