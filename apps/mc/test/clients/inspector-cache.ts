// The MCP Inspector needs Node >= 22.19, newer than the Node 20 this workspace runs on. Install a
// Node 22 binary and the Inspector from the npm registry once, into node_modules/.cache, and
// reuse them on later runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childEnv, REPO_ROOT, run } from "./support.js";

/** Pinned versions (both published long before the workspace's minimumReleaseAge). */
export const INSPECTOR_VERSION = "2.12.0";
export const NODE22_VERSION = "22.23.3";

/** Where the installs live. */
export const INSPECTOR_CACHE = join(REPO_ROOT, "node_modules/.cache/mc-inspector");

/** Paths of the installed Node 22 and Inspector entry. */
export interface InspectorInstall {
  node: string;
  inspector: string;
}

function installedVersion(name: string): string | undefined {
  const file = join(INSPECTOR_CACHE, "node_modules", name, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined;
}

/**
 * Installs (or reuses) Node 22 and the MCP Inspector under node_modules/.cache/mc-inspector.
 * @returns the Node 22 binary and the Inspector's launcher script
 * @throws when npm fails (the test must not skip)
 */
export async function ensureInspector(): Promise<InspectorInstall> {
  const node = join(INSPECTOR_CACHE, "node_modules/node/bin/node");
  const inspector = join(INSPECTOR_CACHE, "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
  if (installedVersion("node") !== NODE22_VERSION || installedVersion("@modelcontextprotocol/inspector") !== INSPECTOR_VERSION || !existsSync(node)) {
    mkdirSync(INSPECTOR_CACHE, { recursive: true });
    writeFileSync(join(INSPECTOR_CACHE, "package.json"), `${JSON.stringify({ name: "mc-inspector-cache", private: true }, null, 2)}\n`);
    const result = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", `node@${NODE22_VERSION}`, `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`],
      {
        env: { ...childEnv({}), ...pick(process.env, ["npm_config_registry", "NPM_CONFIG_REGISTRY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]) },
        cwd: INSPECTOR_CACHE,
        timeoutMs: 280_000,
      },
    );
    if (result.exitCode !== 0) throw new Error(`npm install of the Inspector failed (exit ${result.exitCode}): ${result.stderr}`);
  }
  return { node, inspector };
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}
