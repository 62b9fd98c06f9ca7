import { join } from "node:path";
import type { ConfigTarget } from "@mc/core";

/**
 * The config targets that apply when the policy file declares no `[[config_targets]]`.
 * @param stateDir - mc's state dir; `managed_ini` and `managed_json` live under `<state>/managed-configs`
 * @returns `managed_ini`, `managed_json` and `systemd_unit`
 */
export function defaultConfigTargets(stateDir: string): ConfigTarget[] {
  const managed = join(stateDir, "managed-configs");
  return [
    { name: "managed_ini", description: "INI files managed by mc", roots: [managed], fileGlobs: ["*.ini", "*.cfg"], validator: "ini_parse" },
    { name: "managed_json", description: "JSON files managed by mc", roots: [managed], fileGlobs: ["*.json"], validator: "json_parse" },
    {
      name: "systemd_unit",
      description: "systemd unit files of the system manager",
      roots: ["/etc/systemd/system"],
      fileGlobs: ["*.service", "*.timer"],
      validator: "command",
      validatorCommand: ["systemd-analyze", "verify", "--man=no", "--generators=no", "{path}"],
    },
  ];
}
