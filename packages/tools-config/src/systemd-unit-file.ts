import { UNIT_SUFFIXES, type ConfigTarget } from "@mc/core";

/**
 * Whether a file is something systemd only notices after `systemctl daemon-reload`: a unit file
 * (by suffix), or a `.conf` drop-in in a `*.d` directory of a target validated by systemd-analyze.
 * @param path - real path of the file
 * @param target - its config target
 * @returns true for unit files and drop-ins
 */
export function isSystemdUnitFile(path: string, target: ConfigTarget): boolean {
  if (UNIT_SUFFIXES.some((suffix) => path.endsWith(suffix))) return true;
  const program = target.validatorCommand?.[0] ?? "";
  const checkedBySystemd = target.validator === "command" && (program === "systemd-analyze" || program.endsWith("/systemd-analyze"));
  return checkedBySystemd && /\.d\/[^/]+\.conf$/.test(path);
}

/**
 * The systemd scope a unit file belongs to, by where it lives.
 * @param path - real path of the unit file
 * @returns `user` for user unit directories, else `system`
 */
export function systemdScopeOf(path: string): "system" | "user" {
  return /\/systemd\/user(?:\/|$)/.test(path) ? "user" : "system";
}
