/** Characters a unit name may hold; the first one can never be `-`, so a name is never an option. */
export const UNIT_NAME_PATTERN = /^[A-Za-z0-9@_.:][A-Za-z0-9@_.:-]*$/;

/** Longest unit name accepted (systemd's own limit). */
export const UNIT_NAME_MAX_LENGTH = 256;

/** Unit types mc's tools accept, as name suffixes. */
export const UNIT_SUFFIXES = [".service", ".socket", ".target", ".timer", ".mount", ".automount", ".swap", ".path", ".slice", ".scope", ".device"] as const;

/**
 * Whether a string is a unit name mc accepts: allowed characters, length, a known suffix with a
 * non-empty name before it. The tools refuse any other before a process starts.
 * @param value - candidate unit name
 * @returns true when every rule holds
 */
export function isUnitName(value: string): boolean {
  return value.length <= UNIT_NAME_MAX_LENGTH && UNIT_NAME_PATTERN.test(value) && hasUnitSuffix(value);
}

/**
 * Whether a name ends in a unit type suffix with something before it.
 * @param value - candidate unit name
 * @returns true when a known suffix ends a non-empty name
 */
export function hasUnitSuffix(value: string): boolean {
  return UNIT_SUFFIXES.some((suffix) => value.endsWith(suffix) && value.length > suffix.length);
}
