import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import parseChangeset from "@changesets/parse";
import { type Bump, maxBump } from "./bump.js";
import { ChangesetError } from "./errors/changeset-error.js";

/**
 * Reads the pending changesets (`.changeset/*.md`, README.md excepted, as changesets does) and
 * returns, per package, the largest bump any of them asks for.
 * @param changesetDir - the `.changeset` directory; a missing directory means no changesets
 * @returns the highest pending bump by package name; packages no changeset names are absent
 * @throws ChangesetError when a changeset cannot be read or its front matter is invalid
 */
export async function readPendingBumps(changesetDir: string): Promise<Map<string, Bump>> {
  let entries: string[];
  try {
    entries = await readdir(changesetDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new ChangesetError(`cannot list the changesets in ${changesetDir}: ${(error as Error).message}`, {
      path: changesetDir,
      cause: error,
    });
  }
  const bumps = new Map<string, Bump>();
  for (const entry of entries.filter((name) => name.endsWith(".md") && name.toLowerCase() !== "readme.md").sort()) {
    const path = join(changesetDir, entry);
    let releases: { name: string; type: Bump }[];
    try {
      releases = parseChangeset(await readFile(path, "utf8")).releases;
    } catch (error) {
      // The parser's own message says what is wrong with the front matter; it lacks the file name.
      throw new ChangesetError(`${path}: ${(error as Error).message.split("\n")[0] ?? "invalid changeset"}`, {
        path,
        cause: error,
      });
    }
    for (const release of releases) {
      bumps.set(release.name, maxBump(bumps.get(release.name) ?? "none", release.type));
    }
  }
  return bumps;
}
