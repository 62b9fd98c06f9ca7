import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where Debian's `postgresql` package puts each major version's server programs. */
const DEBIAN_ROOT = "/usr/lib/postgresql";

/**
 * The bin directory of the newest PostgreSQL installed the Debian way
 * (`/usr/lib/postgresql/<major>/bin` holding `initdb`, `pg_ctl` and `psql`).
 * @param root - the directory holding one folder per major version; default Debian's
 * @returns the bin directory, or undefined when no server is installed
 */
export function findPostgresBin(root: string = DEBIAN_ROOT): string | undefined {
  let majors: string[];
  try {
    majors = readdirSync(root).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  majors.sort((left, right) => Number(right) - Number(left));
  for (const major of majors) {
    const bin = join(root, major, "bin");
    if (["initdb", "pg_ctl", "psql"].every((program) => existsSync(join(bin, program)))) {
      return bin;
    }
  }
  return undefined;
}
