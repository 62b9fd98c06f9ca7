/**
 * Test-only: unit files installed into the harness container at test setup, with unique names so
 * other tests (which share the container) never see them, and removed afterwards.
 */
import type { HarnessHandle } from "@mc/systemd-harness";

/**
 * Where a fixture goes: the system manager, or /etc/systemd/user loaded by root's user manager
 * only — the test user's manager is left alone, since other tests read its journal's last lines.
 */
export type FixtureScope = "system" | "user";

/** Installed fixture units; `remove()` stops them, deletes the files and reloads. */
export interface InstalledUnits {
  /** Stops the units, removes the files (and drop-in directories) and reloads the managers. */
  remove(): Promise<void>;
}

async function run(harness: HarnessHandle, args: string[], options: { user?: boolean; input?: string } = {}): Promise<string> {
  const result = await harness.exec(args, options);
  if (result.exitCode !== 0) throw new Error(`${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

/**
 * Reloads the manager that sees fixtures of a scope.
 * @param harness - the running harness
 * @param scope - system, or user (root's user manager)
 */
export async function reloadManagers(harness: HarnessHandle, scope: FixtureScope): Promise<void> {
  await run(harness, scope === "system" ? ["systemctl", "daemon-reload"] : ["systemctl", "--user", "daemon-reload"]);
}

/**
 * Writes unit files (and drop-ins) and reloads the managers.
 * @param harness - the running harness
 * @param scope - system (/etc/systemd/system) or user (/etc/systemd/user)
 * @param files - relative path (e.g. `x.service` or `x.service.d/10-a.conf`) → content
 * @returns a handle that removes them
 */
export async function installUnits(harness: HarnessHandle, scope: FixtureScope, files: Record<string, string>): Promise<InstalledUnits> {
  const root = scope === "system" ? "/etc/systemd/system" : "/etc/systemd/user";
  for (const [relative, content] of Object.entries(files)) {
    const path = `${root}/${relative}`;
    await run(harness, ["mkdir", "-p", path.slice(0, path.lastIndexOf("/"))]);
    await run(harness, ["tee", path], { input: content });
  }
  await reloadManagers(harness, scope);
  const units = Object.keys(files).filter((relative) => !relative.includes("/"));
  return {
    async remove() {
      const systemctl = scope === "system" ? ["systemctl"] : ["systemctl", "--user"];
      for (const unit of units) {
        await harness.exec([...systemctl, "disable", "--now", unit]);
        // A failed unit stays listed (failed_services, list_units) until reset, even once its file is gone.
        await harness.exec([...systemctl, "reset-failed", unit]);
      }
      const paths = Object.keys(files).map((relative) => `${root}/${relative.split("/")[0] ?? relative}`);
      await run(harness, ["rm", "-rf", "--", ...new Set(paths)]);
      await reloadManagers(harness, scope);
    },
  };
}

/**
 * A simple service: runs `sleep infinity` (or `command`), installable into multi-user/default target.
 * @param description - its Description=
 * @param command - ExecStart= (default `/bin/sleep infinity`)
 * @param wantedBy - target for [Install]
 * @returns the unit file text
 */
export function serviceUnit(description: string, command = "/bin/sleep infinity", wantedBy = "multi-user.target"): string {
  return `[Unit]\nDescription=${description}\n\n[Service]\nExecStart=${command}\n\n[Install]\nWantedBy=${wantedBy}\n`;
}
