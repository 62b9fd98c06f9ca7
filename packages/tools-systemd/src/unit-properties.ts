import { type Scope, TIMEOUTS, type ToolContext, ToolFailureError } from "@mc/core";
import { runChecked, scopedArgs } from "./run-checked.js";

/** The unit properties (README: service_status) that `systemctl show` is asked for. */
export const UNIT_PROPERTIES = ["Id", "LoadState", "ActiveState", "SubState", "UnitFileState", "Description", "FragmentPath", "CanReload", "MainPID"] as const;

/** A unit's state as mc reports it (snake_case, typed). */
export interface UnitStatus {
  /** The unit's primary name. */
  id: string;
  /** loaded, not-found, masked, error, … */
  load_state: string;
  /** active, inactive, failed, activating, … */
  active_state: string;
  /** running, dead, exited, failed, … */
  sub_state: string;
  /** enabled, disabled, static, …; empty when there is no unit file. */
  unit_file_state: string;
  /** The unit's description. */
  description: string;
  /** Path of the unit file; empty when there is none. */
  fragment_path: string;
  /** Whether the unit supports `systemctl reload`. */
  can_reload: boolean;
  /** Main process id, or null when there is none. */
  main_pid: number | null;
}

/**
 * Reads a unit's properties with `systemctl [--user] show UNIT --no-pager --property=…`.
 * @param context - tool context (its runner runs systemctl)
 * @param unit - a validated unit name
 * @param scope - system or user manager
 * @returns the unit's status; a unit that does not exist has `load_state` `not-found`
 * @throws ToolFailureError when systemctl fails (no bus, bad output)
 */
export async function readUnitStatus(context: ToolContext, unit: string, scope: Scope): Promise<UnitStatus> {
  const result = await runChecked(context, "systemctl", scopedArgs(scope, ["show", unit, "--no-pager", `--property=${UNIT_PROPERTIES.join(",")}`]), {
    timeoutMs: TIMEOUTS.query,
    scope,
    purpose: `read the status of ${unit} (${scope} scope)`,
  });
  const properties = parseProperties(result.stdout);
  const missing = UNIT_PROPERTIES.filter((name) => properties.get(name) === undefined);
  if (missing.length > 0) {
    throw new ToolFailureError(`systemctl show gave no ${missing.join(", ")} for ${unit}`, {
      data: { unit, scope, missing },
    });
  }
  const get = (name: (typeof UNIT_PROPERTIES)[number]): string => properties.get(name) ?? "";
  const mainPid = Number.parseInt(get("MainPID"), 10);
  return {
    id: get("Id"),
    load_state: get("LoadState"),
    active_state: get("ActiveState"),
    sub_state: get("SubState"),
    unit_file_state: get("UnitFileState"),
    description: get("Description"),
    fragment_path: get("FragmentPath"),
    can_reload: get("CanReload") === "yes",
    main_pid: Number.isSafeInteger(mainPid) && mainPid > 0 ? mainPid : null,
  };
}

/**
 * Splits `Key=value` lines; a value keeps any `=` it contains.
 * @param text - stdout of `systemctl show`
 * @returns property name → value
 */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split("\n")) {
    const equals = line.indexOf("=");
    if (equals > 0) properties.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return properties;
}
