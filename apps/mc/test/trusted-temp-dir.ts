// The bin's code cache is used only below a directory that this user (or root) alone can write,
// all the way up (packages/cli/bin/code-cache.js). A checkout under /tmp (world-writable, as CI's
// clean clones may be) has no such place inside it, so the tests that need one fall back to the
// user's home.
import { lstatSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Whether `path` and every directory above it is a real directory owned by this user or root and
 * not group/world-writable: the code cache's rule, written out again here so that the tests do
 * not take it from the code they attack.
 * @param path - an existing directory
 * @returns whether the rule holds
 */
export function trustedAllTheWayUp(path: string): boolean {
  for (let current = path; ; current = dirname(current)) {
    const stat = lstatSync(current);
    if (!stat.isDirectory() || (stat.uid !== process.getuid?.() && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return false;
    if (dirname(current) === current) return true;
  }
}

/**
 * A new directory `<parent>/<prefix>XXXXXX` where that rule holds, under the first of `preferred`
 * and `~/.cache/mc-tests` that passes it; the caller removes it.
 * @param prefix - name prefix
 * @param preferred - the parent to try first (e.g. the package's node_modules/.cache)
 * @returns the directory
 * @throws when neither parent passes the rule, naming both
 */
export function trustedTempDir(prefix: string, preferred: string): string {
  const parents = [preferred, join(homedir(), ".cache", "mc-tests")];
  for (const parent of parents) {
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(join(parent, prefix));
    if (trustedAllTheWayUp(dir)) return dir;
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(
    `no directory for a trusted code cache: neither ${parents.join(" nor ")} is owned by this user or root and unwritable by others all the way up`,
  );
}
