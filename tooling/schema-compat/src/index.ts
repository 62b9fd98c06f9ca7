/**
 * @mc/schema-compat — snapshots of mc tools' JSON Schemas, a classifier of their changes
 * (major/minor/patch) and the check that pending changesets bump each package enough.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { BUMPS, bumpCovers, maxBump } from "./bump.js";
export type { Bump } from "./bump.js";
export { checkCompatibility } from "./check-compatibility.js";
export type { CompatibilityOptions, CompatibilityReport, PackageCompatibility, PackageToCheck, PackageVerdict } from "./check-compatibility.js";
export { compareJsonSchema } from "./compare-json-schema.js";
export { compareSnapshots } from "./compare-snapshots.js";
export type { SnapshotComparison } from "./compare-snapshots.js";
export { ChangesetError } from "./errors/changeset-error.js";
export { SnapshotError } from "./errors/snapshot-error.js";
export { ToolsModuleError } from "./errors/tools-module-error.js";
export { loadToolsModule } from "./load-tools-module.js";
export { readPendingBumps } from "./pending-bumps.js";
export type { ChangeKind, SchemaChange, SchemaSide } from "./schema-change.js";
export { readSnapshot, writeSnapshot } from "./snapshot-file.js";
export { sortKeysDeep, stableStringify } from "./stable-json.js";
export type { JsonValue } from "./stable-json.js";
export { buildSnapshot } from "./tool-snapshot.js";
export type { PackageSnapshot, ToolSnapshot } from "./tool-snapshot.js";
