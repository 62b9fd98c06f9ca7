import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(packageDir, "bin", "schema-compat.js");
const PACKAGE = "@mc/tools-systemd";

/**
 * A tools module as a package's built entry would be: plain ESM that imports valibot. It lives
 * under the package's gitignored `.tmp/`, so `valibot` resolves from the package's node_modules.
 */
function toolsModule(maxLines: number): string {
  return `import * as v from "valibot";
export const systemdTools = [
  {
    name: "service_status",
    title: "Service status",
    description: "Shows a service's state.",
    risk: "read_only",
    input: v.strictObject({ unit: v.string(), lines: v.optional(v.pipe(v.number(), v.integer(), v.maxValue(${maxLines}))) }),
    output: v.object({ unit: v.string(), active: v.boolean() }),
    run: async () => ({ unit: "x", active: true }),
  },
];
`;
}

async function workspace(): Promise<string> {
  await mkdir(join(packageDir, ".tmp"), { recursive: true });
  const root = await mkdtemp(join(packageDir, ".tmp", "cli-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, ".changeset"));
  await mkdir(join(root, "packages", "tools-systemd", "dist"), { recursive: true });
  return root;
}

/** Runs the bin from the package directory, as `pnpm --filter … schemas:check` would. */
async function run(root: string, command: string, ...extra: string[]) {
  const result = await execa(
    process.execPath,
    [bin, command, "--package", PACKAGE, "--snapshot", "schemas/tools.json", "--tools-module", "dist/index.js", "--export", "systemdTools", ...extra],
    { cwd: join(root, "packages", "tools-systemd"), reject: false },
  );
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

const writeTools = (root: string, maxLines: number) => writeFile(join(root, "packages", "tools-systemd", "dist", "index.js"), toolsModule(maxLines));
const writeChangeset = (root: string, bump: string) =>
  writeFile(join(root, ".changeset", "status-lines.md"), `---\n"${PACKAGE}": ${bump}\n---\n\n- Fewer journal lines.\n`);

describe("mc-schema-compat", () => {
  beforeAll(() => {
    if (!existsSync(join(packageDir, "dist", "cli.js"))) {
      throw new Error("dist/cli.js is missing: build the package first (pnpm --filter @mc/schema-compat build)");
    }
  });

  it("should write a snapshot and then pass the unchanged tools", async () => {
    const root = await workspace();
    await writeTools(root, 200);
    const update = await run(root, "update");
    expect([update.exitCode, update.stdout]).toStrictEqual([0, `${PACKAGE}: wrote ${join(root, "packages/tools-systemd/schemas/tools.json")} (1 tool)`]);
    const snapshot = JSON.parse(await readFile(join(root, "packages/tools-systemd/schemas/tools.json"), "utf8"));
    expect(snapshot.tools.service_status.input.properties.lines).toStrictEqual({ maximum: 200, type: "integer" });
    const check = await run(root, "check");
    expect([check.exitCode, check.stdout]).toStrictEqual([0, `PASS ${PACKAGE}: tool schemas match the snapshot packages/tools-systemd/schemas/tools.json`]);
  });

  it("should fail a narrowed input without a changeset and pass it with a major one", async () => {
    const root = await workspace();
    await writeTools(root, 200);
    expect((await run(root, "update")).exitCode).toBe(0);
    await writeTools(root, 100);

    const bare = await run(root, "check");
    expect(bare.exitCode).toBe(1);
    expect(bare.stdout.split("\n")).toStrictEqual([
      '  major  service_status: input property "lines" maximum lowered 200 → 100 (narrowing an input) needs a major bump',
      `FAIL ${PACKAGE}: 1 tool-schema change since packages/tools-systemd/schemas/tools.json needs a major bump, and no pending changeset bumps ${PACKAGE}. ` +
        `Add one (\`pnpm changeset\`, front matter "${PACKAGE}": major); or, if these changes were already released by \`changeset version\`, ` +
        `the snapshot is out of date: run \`pnpm --filter ${PACKAGE} schemas:update\` and commit packages/tools-systemd/schemas/tools.json`,
    ]);

    await writeChangeset(root, "minor");
    const minor = await run(root, "check");
    expect(minor.exitCode).toBe(1);
    expect(minor.stdout).toContain('but the pending changesets give only minor; change the changeset\'s front matter to "@mc/tools-systemd": major');

    await writeChangeset(root, "major");
    const major = await run(root, "check");
    expect(major.exitCode).toBe(0);
    expect(major.stdout.split("\n").at(-1)).toBe(
      `PASS ${PACKAGE}: 1 tool-schema change since packages/tools-systemd/schemas/tools.json needs a major bump; the pending changesets give major, ` +
        `which covers them (update the snapshot with \`pnpm --filter ${PACKAGE} schemas:update\` after \`changeset version\`)`,
    );
  });

  it("should take the last of a repeated flag, so a package script's flags can be overridden", async () => {
    const root = await workspace();
    await writeTools(root, 200);
    expect((await run(root, "update")).exitCode).toBe(0);
    await writeTools(root, 100);
    // `pnpm run schemas:check --changeset-dir DIR --snapshot PATH` appends to the script's flags.
    const other = join(root, "other");
    await mkdir(join(other, ".changeset"), { recursive: true });
    await writeFile(join(other, ".changeset", "lines.md"), `---\n"${PACKAGE}": major\n---\n\n- Fewer journal lines.\n`);
    const snapshot = join(other, "tools.json");
    await writeFile(snapshot, await readFile(join(root, "packages/tools-systemd/schemas/tools.json"), "utf8"));
    expect((await run(root, "check")).exitCode).toBe(1);
    const overridden = await run(root, "check", "--changeset-dir", join(other, ".changeset"), "--snapshot", snapshot);
    expect(overridden.exitCode).toBe(0);
    expect(overridden.stdout.split("\n").at(-1)).toMatch(
      /^PASS @mc\/tools-systemd: 1 tool-schema change since .*other\/tools\.json needs a major bump; the pending changesets give major/,
    );
  });

  it("should report as JSON with --json", async () => {
    const root = await workspace();
    await writeTools(root, 200);
    await run(root, "update");
    await writeTools(root, 500);
    const result = await run(root, "check", "--json");
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.packages[0].verdict).toBe("needs_changeset");
    expect(report.packages[0].requiredBump).toBe("minor");
    expect(report.packages[0].changes).toStrictEqual([
      {
        tool: "service_status",
        path: "input.properties.lines.maximum",
        kind: "range_changed",
        bump: "minor",
        message: 'service_status: input property "lines" maximum raised 200 → 500 (widening an input) needs a minor bump',
      },
    ]);
  });

  it("should refuse to update the snapshot while a changeset is pending, unless forced", async () => {
    const root = await workspace();
    await writeTools(root, 200);
    await run(root, "update");
    await writeTools(root, 100);
    await writeChangeset(root, "major");
    const refused = await run(root, "update");
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("a pending changeset still bumps @mc/tools-systemd (major)");
    const snapshotPath = join(root, "packages/tools-systemd/schemas/tools.json");
    expect(JSON.parse(await readFile(snapshotPath, "utf8")).tools.service_status.input.properties.lines.maximum).toBe(200);
    const forced = await run(root, "update", "--force");
    expect(forced.exitCode).toBe(0);
    expect(JSON.parse(await readFile(snapshotPath, "utf8")).tools.service_status.input.properties.lines.maximum).toBe(100);
  });

  it("should exit 2 with the reason on a usage error or a wrong export", async () => {
    const root = await workspace();
    await writeTools(root, 200);
    const usage = await execa(process.execPath, [bin, "check", "--package", PACKAGE], { cwd: root, reject: false });
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr.split("\n")[0]).toBe("mc-schema-compat: --snapshot is required");
    const unknown = await execa(process.execPath, [bin, "verify"], { cwd: root, reject: false });
    expect([unknown.exitCode, unknown.stderr.split("\n")[0]]).toStrictEqual([2, 'mc-schema-compat: unknown command "verify"']);
    const help = await execa(process.execPath, [bin, "--help"], { cwd: root, reject: false });
    expect([help.exitCode, help.stdout.split("\n")[0]]).toStrictEqual([0, "Usage:"]);
    const wrongExport = await run(root, "check", "--export", "tools");
    expect(wrongExport.exitCode).toBe(2);
    expect(wrongExport.stderr).toBe(
      `mc-schema-compat: ${join(root, "packages/tools-systemd/dist/index.js")}: has no export "tools" (it exports: systemdTools)`,
    );
  });
});
