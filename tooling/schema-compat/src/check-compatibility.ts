import { access } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import type { ToolDefinition } from "@mc/core";
import { type Bump, bumpCovers } from "./bump.js";
import { compareSnapshots } from "./compare-snapshots.js";
import { readPendingBumps } from "./pending-bumps.js";
import type { SchemaChange } from "./schema-change.js";
import { readSnapshot } from "./snapshot-file.js";
import { stableStringify } from "./stable-json.js";
import { buildSnapshot, type PackageSnapshot } from "./tool-snapshot.js";

/** One package whose tool schemas are checked against its committed snapshot. */
export interface PackageToCheck {
  /** The npm name, as changesets' front matter names it, e.g. `@mc/tools-systemd`. */
  name: string;
  /** The committed snapshot; a relative path resolves against `root`. */
  snapshotPath: string;
  /** The package's tools as the code defines them now. */
  currentTools: readonly ToolDefinition[];
}

/** What `checkCompatibility` checks. */
export interface CompatibilityOptions {
  /** The workspace root; relative paths resolve against it. */
  root: string;
  /** The packages to check. */
  packages: readonly PackageToCheck[];
  /** The pending changesets; default `<root>/.changeset`. */
  changesetDir?: string;
}

/**
 * How a package fared:
 * - `unchanged`: the schemas equal the snapshot (always passes);
 * - `equivalent`: they differ only in an order that carries no meaning (enum values, union
 *   branches); passes, and `update` refreshes the snapshot;
 * - `covered`: they changed and the pending changesets bump the package enough;
 * - `needs_changeset`: they changed and no pending changeset bumps the package — either a
 *   changeset is missing or the snapshot was not updated after `changeset version`;
 * - `insufficient_bump`: a pending changeset bumps the package, but less than the changes need;
 * - `missing_snapshot`: there is no snapshot to compare with;
 * - `package_mismatch`: the snapshot belongs to another package.
 */
export type PackageVerdict = "unchanged" | "equivalent" | "covered" | "needs_changeset" | "insufficient_bump" | "missing_snapshot" | "package_mismatch";

/** The verdict on one package. */
export interface PackageCompatibility {
  /** The package's npm name. */
  name: string;
  /** The snapshot file, absolute. */
  snapshotPath: string;
  /** Whether the package passes. */
  ok: boolean;
  /** Why it passes or fails. */
  verdict: PackageVerdict;
  /** The bump the schema changes need (`none` when unchanged or when there is no snapshot). */
  requiredBump: Bump;
  /** The largest bump the pending changesets give the package (`none` when none names it). */
  pendingBump: Bump;
  /** Every classified change since the snapshot. */
  changes: SchemaChange[];
  /** What to do, one sentence naming the package, the bump and the command. */
  message: string;
  /** The snapshot of the current code, ready for `writeSnapshot`. */
  current: PackageSnapshot;
}

/** The verdict on every package checked. */
export interface CompatibilityReport {
  /** True when every package passes. */
  ok: boolean;
  /** One verdict per package, in the order given. */
  packages: PackageCompatibility[];
}

/**
 * Compares each package's committed snapshot (its released tool contract) with its current
 * tools and fails a package whose schema changes are not covered by a pending changeset of at
 * least the bump they need. Once `changeset version` has consumed the changesets the snapshot
 * must be updated, so "changed, and no changeset names the package" fails too, with both fixes.
 * @param options - the workspace root, the packages and the changeset directory
 * @returns a verdict per package; nothing is written
 * @throws SnapshotError for a snapshot that exists but cannot be parsed
 * @throws ChangesetError for a pending changeset that cannot be parsed
 */
export async function checkCompatibility(options: CompatibilityOptions): Promise<CompatibilityReport> {
  const root = resolve(options.root);
  const changesetDir = resolve(root, options.changesetDir ?? ".changeset");
  const pending = await readPendingBumps(changesetDir);
  const packages: PackageCompatibility[] = [];
  for (const target of options.packages) {
    packages.push(await checkPackage(root, target, pending.get(target.name) ?? "none"));
  }
  return { ok: packages.every((result) => result.ok), packages };
}

async function checkPackage(root: string, target: PackageToCheck, pendingBump: Bump): Promise<PackageCompatibility> {
  const snapshotPath = resolve(root, target.snapshotPath);
  const shownPath = isAbsolute(target.snapshotPath) ? relative(root, snapshotPath) || snapshotPath : target.snapshotPath;
  const current = buildSnapshot(target.name, target.currentTools);
  const update = `pnpm --filter ${target.name} schemas:update`;
  const base = { name: target.name, snapshotPath, pendingBump, current };
  if (!(await exists(snapshotPath))) {
    return {
      ...base,
      ok: false,
      verdict: "missing_snapshot",
      requiredBump: "none",
      changes: [],
      message: `${target.name}: no schema snapshot at ${shownPath}; create it with \`${update}\` and commit it`,
    };
  }
  const committed = await readSnapshot(snapshotPath);
  if (committed.package !== target.name) {
    return {
      ...base,
      ok: false,
      verdict: "package_mismatch",
      requiredBump: "none",
      changes: [],
      message: `${target.name}: the snapshot ${shownPath} belongs to ${committed.package}; point the check at this package's own snapshot`,
    };
  }
  if (stableStringify(committed) === stableStringify(current)) {
    return {
      ...base,
      ok: true,
      verdict: "unchanged",
      requiredBump: "none",
      changes: [],
      message: `${target.name}: tool schemas match the snapshot ${shownPath}`,
    };
  }
  const { bump: requiredBump, changes } = compareSnapshots(committed, current);
  if (changes.length === 0) {
    return {
      ...base,
      ok: true,
      verdict: "equivalent",
      requiredBump,
      changes,
      message: `${target.name}: tool schemas differ from the snapshot ${shownPath} only in order; refresh it with \`${update}\``,
    };
  }
  const summary = `${changes.length} tool-schema change${changes.length === 1 ? "" : "s"} since ${shownPath} need${changes.length === 1 ? "s" : ""} a ${requiredBump} bump`;
  if (bumpCovers(pendingBump, requiredBump) && pendingBump !== "none") {
    return {
      ...base,
      ok: true,
      verdict: "covered",
      requiredBump,
      changes,
      message: `${target.name}: ${summary}; the pending changesets give ${pendingBump}, which covers them (update the snapshot with \`${update}\` after \`changeset version\`)`,
    };
  }
  if (pendingBump === "none") {
    return {
      ...base,
      ok: false,
      verdict: "needs_changeset",
      requiredBump,
      changes,
      message:
        `${target.name}: ${summary}, and no pending changeset bumps ${target.name}. ` +
        `Add one (\`pnpm changeset\`, front matter "${target.name}": ${requiredBump}); ` +
        `or, if these changes were already released by \`changeset version\`, the snapshot is out of date: ` +
        `run \`${update}\` and commit ${shownPath}`,
    };
  }
  return {
    ...base,
    ok: false,
    verdict: "insufficient_bump",
    requiredBump,
    changes,
    message: `${target.name}: ${summary}, but the pending changesets give only ${pendingBump}; change the changeset's front matter to "${target.name}": ${requiredBump}`,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
