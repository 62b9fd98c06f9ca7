/**
 * Whether tests must fail, rather than skip, when no PostgreSQL server can be started: in CI
 * (`CI` set to anything but "", "0" or "false") or when `MC_POSTGRES_REQUIRED=1`.
 * @param env - where to read the variables; default `process.env`
 * @returns true when unavailability is a failure
 */
export function postgresRequired(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.MC_POSTGRES_REQUIRED === "1") return true;
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
