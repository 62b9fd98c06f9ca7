import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { RISK_LEVELS, type RiskLevel } from "@mc/core";
import { SnapshotError } from "./errors/snapshot-error.js";
import { stableStringify } from "./stable-json.js";
import type { PackageSnapshot, ToolSnapshot } from "./tool-snapshot.js";

/**
 * Reads and checks a committed schema snapshot.
 * @param path - the snapshot file, e.g. `packages/tools-systemd/schemas/tools.json`
 * @returns the snapshot
 * @throws SnapshotError when the file is missing, is not JSON, or is not shaped like a snapshot
 */
export async function readSnapshot(path: string): Promise<PackageSnapshot> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SnapshotError(`cannot read the schema snapshot ${path}: ${(error as Error).message}`, {
      path,
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`the schema snapshot ${path} is not valid JSON: ${(error as Error).message}`, {
      path,
      cause: error,
    });
  }
  return checkSnapshotShape(parsed, path);
}

/**
 * Writes a snapshot as sorted, two-space-indented JSON ending in a newline. The file is
 * replaced atomically (written beside it, then renamed), so a failed write never leaves half a
 * snapshot.
 * @param path - the snapshot file; its directory is created when missing
 * @param snapshot - the snapshot, usually from `buildSnapshot`
 * @returns nothing once the file is in place
 */
export async function writeSnapshot(path: string, snapshot: PackageSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${stableStringify(snapshot, 2)}\n`, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function checkSnapshotShape(value: unknown, path: string): PackageSnapshot {
  const fail = (problem: string): never => {
    throw new SnapshotError(`the schema snapshot ${path} is malformed: ${problem}`, { path });
  };
  if (!isRecord(value)) return fail("expected an object");
  if (typeof value.package !== "string" || value.package === "") return fail('"package" must be a package name');
  if (!isRecord(value.tools)) return fail('"tools" must be an object of tools by name');
  const tools: Record<string, ToolSnapshot> = {};
  for (const [name, tool] of Object.entries(value.tools)) {
    if (!isRecord(tool)) return fail(`tool "${name}" must be an object`);
    if (!RISK_LEVELS.includes(tool.risk as RiskLevel)) {
      return fail(`tool "${name}" has risk ${JSON.stringify(tool.risk)}; expected one of ${RISK_LEVELS.join(", ")}`);
    }
    for (const field of ["title", "description"] as const) {
      if (typeof tool[field] !== "string") return fail(`tool "${name}" needs a string "${field}"`);
    }
    for (const field of ["input", "output"] as const) {
      if (!isRecord(tool[field]) && typeof tool[field] !== "boolean") {
        return fail(`tool "${name}" needs a JSON Schema in "${field}"`);
      }
    }
    tools[name] = tool as unknown as ToolSnapshot;
  }
  return { package: value.package, tools };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
