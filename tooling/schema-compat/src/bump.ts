/**
 * A semver bump as changesets names it. `none` means the change needs no release at all.
 */
export type Bump = "none" | "patch" | "minor" | "major";

/** Every bump, from smallest to largest. */
export const BUMPS: readonly Bump[] = ["none", "patch", "minor", "major"];

/**
 * The larger of two bumps.
 * @param first - a bump
 * @param second - another bump
 * @returns whichever needs the bigger release
 */
export function maxBump(first: Bump, second: Bump): Bump {
  return BUMPS.indexOf(first) >= BUMPS.indexOf(second) ? first : second;
}

/**
 * Whether a pending bump releases at least as much as a change needs.
 * @param pending - the bump the pending changesets give the package
 * @param required - the bump the schema changes need
 * @returns true when `pending` is at least `required`
 */
export function bumpCovers(pending: Bump, required: Bump): boolean {
  return BUMPS.indexOf(pending) >= BUMPS.indexOf(required);
}
