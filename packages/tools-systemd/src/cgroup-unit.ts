import { hasUnitSuffix } from "@mc/core";

/** Which systemd units own a cgroup path. */
export interface CgroupUnits {
  /** Unit of the system manager, e.g. `nginx.service` or `user@1000.service`; null outside any unit. */
  unit: string | null;
  /** `user` when the process runs under a user manager (`user@UID.service`). */
  scope: "system" | "user";
  /** The user manager's unit, e.g. `app.service`, in user scope. */
  userUnit?: string;
}

const USER_MANAGER = /^user@\d+\.service$/;

/**
 * Whether a cgroup path component names a unit. Looser than the input rules of `isUnitName`:
 * the kernel wrote it, and systemd escapes some characters in unit names (`\x2d`), which input
 * never may contain.
 * @param component - one component of a cgroup path
 * @returns true when it ends in a unit type after a non-empty name
 */
function isUnitComponent(component: string): boolean {
  return hasUnitSuffix(component);
}

/**
 * Picks the cgroup path systemd manages from the lines of /proc/PID/cgroup: the unified
 * (`0::`) hierarchy, or the `name=systemd` one on hybrid/legacy hosts.
 * @param text - contents of /proc/PID/cgroup
 * @returns the path, or undefined when neither hierarchy is listed
 */
export function systemdCgroupPath(text: string): string | undefined {
  const lines = text.split("\n").filter((line) => line.length > 0);
  const fields = lines.map((line) => {
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    return { controllers: line.slice(first + 1, second), path: line.slice(second + 1) };
  });
  // On a hybrid host the unified hierarchy may be empty ("/") while name=systemd has the unit.
  const named = fields.find((field) => field.controllers === "name=systemd");
  const unified = fields.find((field) => field.controllers === "");
  if (unified !== undefined && unified.path !== "/") return unified.path;
  return named?.path ?? unified?.path;
}

/**
 * Maps a cgroup path onto units. Slices only group; the first unit that is not a slice owns the
 * process, and under a user manager the next one is the user's unit. Leading components that
 * are not units (a container's own cgroup) are skipped.
 * @param path - cgroup path, e.g. `/system.slice/nginx.service`
 * @returns the owning units
 */
export function unitsOfCgroup(path: string): CgroupUnits {
  const units = path.split("/").filter((component) => isUnitComponent(component) && !component.endsWith(".slice"));
  const [unit, userUnit] = units;
  if (unit === undefined) return { unit: null, scope: "system" };
  if (USER_MANAGER.test(unit) && userUnit !== undefined) return { unit, scope: "user", userUnit };
  return { unit, scope: USER_MANAGER.test(unit) ? "user" : "system" };
}
