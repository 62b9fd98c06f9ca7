import * as v from "valibot";

/** Characters a unit name may hold; the first one can never be `-`, so a name is never an option. */
export const UNIT_NAME_PATTERN = /^[A-Za-z0-9@_.:][A-Za-z0-9@_.:-]*$/;

/** Longest unit name accepted (systemd's own limit). */
export const UNIT_NAME_MAX_LENGTH = 256;

/** Unit types mc's tools accept, as name suffixes. */
export const UNIT_SUFFIXES = [
  ".service",
  ".socket",
  ".target",
  ".timer",
  ".mount",
  ".automount",
  ".swap",
  ".path",
  ".slice",
  ".scope",
  ".device",
] as const;

/**
 * Whether a string is a unit name mc accepts: allowed characters, length, a known suffix with a
 * non-empty name before it.
 * @param value - candidate unit name
 * @returns true when every rule holds
 */
export function isUnitName(value: string): boolean {
  return (
    value.length <= UNIT_NAME_MAX_LENGTH &&
    UNIT_NAME_PATTERN.test(value) &&
    UNIT_SUFFIXES.some((suffix) => value.endsWith(suffix) && value.length > suffix.length)
  );
}

/** valibot schema of a unit name, e.g. `nginx.service`. Checked before any process starts. */
export const unitNameSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(UNIT_NAME_MAX_LENGTH, `must be at most ${UNIT_NAME_MAX_LENGTH} characters`),
  v.regex(UNIT_NAME_PATTERN, "may contain only ASCII letters, digits and @ _ . : - (not first)"),
  v.check(
    (value) => UNIT_SUFFIXES.some((suffix) => value.endsWith(suffix) && value.length > suffix.length),
    `must end in a unit type: ${UNIT_SUFFIXES.join(" ")}`,
  ),
  v.description(`A systemd unit name with its type suffix, e.g. nginx.service (${UNIT_SUFFIXES.join(", ")}).`),
);

/** The systemd managers a tool can talk to. */
export const SCOPES = ["system", "user"] as const;

/** valibot schema of a scope: `system` (default) or `user` (`systemctl --user`). */
export const scopeSchema = v.optional(
  v.pipe(
    v.picklist(SCOPES, 'must be "system" or "user"'),
    v.description("system: the system manager (default); user: the calling user's manager (systemctl --user)."),
  ),
  "system",
);
