/**
 * Whether tests must fail, rather than skip, when the harness cannot run: in CI (`CI` set to
 * anything but "", "0" or "false") or when `MC_HARNESS_REQUIRED=1`.
 * @param env - where to read the variables; default `process.env`
 * @returns true when unavailability is a failure
 */
export function harnessRequired(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.MC_HARNESS_REQUIRED === "1") return true;
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
