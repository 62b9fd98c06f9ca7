import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, type ToolDefinition } from "@mc/core";
import * as v from "valibot";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkCompatibility } from "./check-compatibility.js";
import { writeSnapshot } from "./snapshot-file.js";
import { buildSnapshot } from "./tool-snapshot.js";

const PACKAGE = "@mc/tools-systemd";
const SNAPSHOT = "packages/tools-systemd/schemas/tools.json";

function statusTool(maxLines: number, description = "Shows a service's state."): ToolDefinition {
  // Typed by its own schemas; widened to the generic definition the way tool packages do it.
  return defineTool({
    name: "service_status",
    title: "Service status",
    description,
    risk: "read_only",
    input: v.strictObject({ unit: v.string(), lines: v.optional(v.pipe(v.number(), v.maxValue(maxLines))) }),
    output: v.object({ unit: v.string() }),
    run: async () => {
      throw new Error("not run in these tests");
    },
  });
}

/** A workspace root with the committed snapshot of `committed` and the given changesets. */
async function workspace(committed: ToolDefinition[] | undefined, changesets: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "mc-schema-compat-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, ".changeset"));
  for (const [name, text] of Object.entries(changesets)) await writeFile(join(root, ".changeset", name), text);
  if (committed !== undefined) await writeSnapshot(join(root, SNAPSHOT), buildSnapshot(PACKAGE, committed));
  return root;
}

const changeset = (bump: string) => ({ "status-change.md": `---\n"${PACKAGE}": ${bump}\n---\n\nA change.\n` });

async function check(root: string, current: ToolDefinition[]) {
  const report = await checkCompatibility({ root, packages: [{ name: PACKAGE, snapshotPath: SNAPSHOT, currentTools: current }] });
  const [result] = report.packages;
  if (result === undefined) throw new Error("no result");
  return {
    ok: report.ok,
    verdict: result.verdict,
    requiredBump: result.requiredBump,
    pendingBump: result.pendingBump,
    message: result.message,
    changes: result.changes.length,
  };
}

describe("checkCompatibility", () => {
  it("should pass when the schemas equal the snapshot, whatever the changesets", async () => {
    const root = await workspace([statusTool(200)], changeset("patch"));
    expect(await check(root, [statusTool(200)])).toStrictEqual({
      ok: true,
      verdict: "unchanged",
      requiredBump: "none",
      pendingBump: "patch",
      message: `${PACKAGE}: tool schemas match the snapshot ${SNAPSHOT}`,
      changes: 0,
    });
  });

  it("should fail a breaking change without a changeset, telling both fixes", async () => {
    const root = await workspace([statusTool(200)]);
    expect(await check(root, [statusTool(100)])).toStrictEqual({
      ok: false,
      verdict: "needs_changeset",
      requiredBump: "major",
      pendingBump: "none",
      message:
        `${PACKAGE}: 1 tool-schema change since ${SNAPSHOT} needs a major bump, and no pending changeset bumps ${PACKAGE}. ` +
        `Add one (\`pnpm changeset\`, front matter "${PACKAGE}": major); or, if these changes were already released by ` +
        `\`changeset version\`, the snapshot is out of date: run \`pnpm --filter ${PACKAGE} schemas:update\` and commit ${SNAPSHOT}`,
      changes: 1,
    });
  });

  it("should fail a breaking change whose changeset is only minor", async () => {
    const root = await workspace([statusTool(200)], changeset("minor"));
    const result = await check(root, [statusTool(100)]);
    expect(result.verdict).toBe("insufficient_bump");
    expect(result.message).toBe(
      `${PACKAGE}: 1 tool-schema change since ${SNAPSHOT} needs a major bump, but the pending changesets give only minor; ` +
        `change the changeset's front matter to "${PACKAGE}": major`,
    );
  });

  it("should pass a breaking change with a major changeset", async () => {
    const root = await workspace([statusTool(200)], changeset("major"));
    const result = await check(root, [statusTool(100)]);
    expect([result.ok, result.verdict, result.requiredBump, result.pendingBump]).toStrictEqual([true, "covered", "major", "major"]);
  });

  it("should pass a widening with a minor changeset and fail a description edit without any", async () => {
    const widened = await workspace([statusTool(200)], changeset("minor"));
    expect((await check(widened, [statusTool(500)])).verdict).toBe("covered");
    const described = await workspace([statusTool(200)]);
    const result = await check(described, [statusTool(200, "Shows a unit's state.")]);
    expect([result.ok, result.verdict, result.requiredBump]).toStrictEqual([false, "needs_changeset", "patch"]);
  });

  it("should pass schemas that differ only in enum order, and say how to refresh the snapshot", async () => {
    const scoped = (values: [string, string]) => ({ ...statusTool(200), input: v.strictObject({ scope: v.picklist(values) }) }) as ToolDefinition;
    const root = await workspace([scoped(["system", "user"])]);
    expect(await check(root, [scoped(["user", "system"])])).toStrictEqual({
      ok: true,
      verdict: "equivalent",
      requiredBump: "none",
      pendingBump: "none",
      message: `${PACKAGE}: tool schemas differ from the snapshot ${SNAPSHOT} only in order; refresh it with \`pnpm --filter ${PACKAGE} schemas:update\``,
      changes: 0,
    });
  });

  it("should ignore changesets for other packages", async () => {
    const root = await workspace([statusTool(200)], { "core.md": '---\n"@mc/core": major\n---\n\nCore.\n' });
    expect((await check(root, [statusTool(100)])).verdict).toBe("needs_changeset");
  });

  it("should fail when there is no snapshot, saying how to create it", async () => {
    const root = await workspace(undefined);
    const result = await check(root, [statusTool(200)]);
    expect([result.ok, result.verdict, result.message]).toStrictEqual([
      false,
      "missing_snapshot",
      `${PACKAGE}: no schema snapshot at ${SNAPSHOT}; create it with \`pnpm --filter ${PACKAGE} schemas:update\` and commit it`,
    ]);
  });

  it("should fail a snapshot of another package", async () => {
    const root = await workspace(undefined);
    await writeSnapshot(join(root, SNAPSHOT), buildSnapshot("@mc/tools-config", [statusTool(200)]));
    const result = await check(root, [statusTool(200)]);
    expect([result.ok, result.verdict]).toStrictEqual([false, "package_mismatch"]);
  });

  it("should check several packages and fail the report when one fails", async () => {
    const root = await workspace([statusTool(200)]);
    await writeSnapshot(join(root, "packages/tools-config/schemas/tools.json"), buildSnapshot("@mc/tools-config", []));
    const report = await checkCompatibility({
      root,
      packages: [
        { name: PACKAGE, snapshotPath: SNAPSHOT, currentTools: [statusTool(200)] },
        { name: "@mc/tools-config", snapshotPath: "packages/tools-config/schemas/tools.json", currentTools: [statusTool(10)] },
      ],
    });
    expect(report.ok).toBe(false);
    expect(report.packages.map((result) => [result.name, result.verdict, result.requiredBump])).toStrictEqual([
      [PACKAGE, "unchanged", "none"],
      ["@mc/tools-config", "needs_changeset", "minor"],
    ]);
  });
});
