// The MCP conformance suite (@modelcontextprotocol/conformance 0.1.16) needs Node 22 (it imports
// fs.globSync), newer than the Node 20 this workspace runs on. Like inspector-cache.ts, install a
// Node 22 binary and the suite from the npm registry once, into node_modules/.cache, pinned.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NODE22_VERSION } from "./inspector-cache.js";
import { childEnv, REPO_ROOT, run } from "./support.js";

/** Pinned version (published long before the workspace's minimumReleaseAge). */
export const CONFORMANCE_VERSION = "0.1.16";

/** Where the installs live. */
export const CONFORMANCE_CACHE = join(REPO_ROOT, "node_modules/.cache/mc-conformance");

/** Paths of the installed Node 22 and the suite's entry. */
export interface ConformanceInstall {
  node: string;
  conformance: string;
}

function installedVersion(name: string): string | undefined {
  const file = join(CONFORMANCE_CACHE, "node_modules", name, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined;
}

/**
 * Installs (or reuses) Node 22 and the conformance suite under node_modules/.cache/mc-conformance.
 * @returns the Node 22 binary and the suite's CLI script
 * @throws when npm fails (the test must not skip)
 */
export async function ensureConformance(): Promise<ConformanceInstall> {
  const node = join(CONFORMANCE_CACHE, "node_modules/node/bin/node");
  const conformance = join(CONFORMANCE_CACHE, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
  if (installedVersion("node") !== NODE22_VERSION || installedVersion("@modelcontextprotocol/conformance") !== CONFORMANCE_VERSION || !existsSync(node)) {
    mkdirSync(CONFORMANCE_CACHE, { recursive: true });
    writeFileSync(join(CONFORMANCE_CACHE, "package.json"), `${JSON.stringify({ name: "mc-conformance-cache", private: true }, null, 2)}\n`);
    const passThrough = ["npm_config_registry", "NPM_CONFIG_REGISTRY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"].flatMap((name): Array<[string, string]> => {
      const value = process.env[name];
      return value ? [[name, value]] : [];
    });
    const result = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", `node@${NODE22_VERSION}`, `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`],
      { env: { ...childEnv({}), ...Object.fromEntries(passThrough) }, cwd: CONFORMANCE_CACHE, timeoutMs: 280_000 },
    );
    if (result.exitCode !== 0) throw new Error(`npm install of the conformance suite failed (exit ${result.exitCode}): ${result.stderr}`);
  }
  return { node, conformance };
}
