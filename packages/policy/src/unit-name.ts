import { hasUnitSuffix, UNIT_NAME_PATTERN, UNIT_SUFFIXES } from "@mc/core";

/**
 * Whether a service pattern can never match a valid unit name. A heuristic for warnings:
 * it looks at the literal characters and at the literal tail after the last wildcard.
 * @param pattern - a service pattern (already known to compile)
 * @returns a sentence saying why nothing can match, or undefined when something might
 */
export function unmatchablePatternReason(pattern: string): string | undefined {
  const literals = pattern.replace(/\\(.)/g, "$1").replace(/\[[^\]]*\]|[*?]/g, "");
  const invalid = [...literals].find((character) => !/[A-Za-z0-9@_.:-]/.test(character));
  if (invalid !== undefined) return `it contains ${JSON.stringify(invalid)}, which no unit name contains`;
  if (!/[*?[\\]/.test(pattern)) {
    if (!UNIT_NAME_PATTERN.test(pattern)) return "it is not a valid unit name";
    if (!hasUnitSuffix(pattern)) {
      return `it does not end with a unit type suffix (${UNIT_SUFFIXES.join(", ")})`;
    }
    return undefined;
  }
  const tail = /[^*?\]\\]*$/.exec(pattern)?.[0] ?? "";
  // The wildcard before the tail may supply the start of the suffix, so the tail only has to
  // end like one of the suffixes (or contain a whole suffix at its end).
  if (!UNIT_SUFFIXES.some((suffix) => tail.endsWith(suffix) || suffix.endsWith(tail))) {
    return `its fixed ending ${JSON.stringify(tail)} is not the end of any unit type suffix`;
  }
  return undefined;
}
