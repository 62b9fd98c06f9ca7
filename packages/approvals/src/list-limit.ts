import { InputError } from "@mc/core";

/**
 * Checks a list limit.
 * @param limit - the requested limit
 * @returns the limit, defaulting to 100
 */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) {
    return 100;
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new InputError(`The limit must be a positive whole number, not ${String(limit)}.`, [{ path: "limit", message: "not a positive integer" }]);
  }
  return limit;
}
