// The CI step "tool-schema changes carry a big enough changeset" (pnpm schemas:check): each tool
// package's real `schemas:check` script, run against its built dist/. The breaking cases give the
// script a temporary copy of the committed snapshot and a temporary .changeset directory (the
// checker's --snapshot and --changeset-dir, which override the script's own flags); the committed
// snapshot and the workspace's .changeset are only read.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const WORKSPACE = fileURLToPath(new URL("../../../../", import.meta.url));
const SYSTEMD = join(WORKSPACE, "packages", "tools-systemd");
const SYSTEMD_SNAPSHOT = join(SYSTEMD, "schemas", "tools.json");

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm run schemas:check [extra…]` in a package directory; resolves with any exit code. */
function schemasCheck(packageDir: string, extra: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile("pnpm", ["run", "schemas:check", ...extra], { cwd: packageDir, timeout: 60_000 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** A JSON Schema object as the snapshot holds it. */
interface ObjectSchema {
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

interface Snapshot {
  package: string;
  tools: Record<string, { input: ObjectSchema; output: ObjectSchema }>;
}

describe("pnpm schemas:check (the CI step) on the tool packages", () => {
  let dir: string;
  let committed: string;

  beforeAll(() => {
    for (const name of ["tooling/schema-compat/dist/cli.js", "packages/tools-systemd/dist/index.js", "packages/tools-config/dist/index.js"]) {
      if (!existsSync(join(WORKSPACE, name))) throw new Error(`${name} is missing: build first (pnpm build)`);
    }
    committed = readFileSync(SYSTEMD_SNAPSHOT, "utf8");
    dir = mkdtempSync(join(tmpdir(), "mc-schema-compat-"));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    // The test only ever edits copies.
    expect(readFileSync(SYSTEMD_SNAPSHOT, "utf8")).toBe(committed);
  });

  /**
   * Writes a copy of the committed @mc/tools-systemd snapshot, edited to be an OLDER contract than
   * the current tools, and a .changeset directory holding one changeset for the package.
   */
  function breakingCase(name: string, bump: "minor" | "major"): { snapshot: string; changesets: string } {
    const root = join(dir, name);
    const changesets = join(root, ".changeset");
    mkdirSync(changesets, { recursive: true });
    const snapshot = JSON.parse(committed) as Snapshot;
    // The last release had an output property the current memory_usage no longer returns: the
    // current code removed it, which breaks clients that read it.
    const memory = snapshot.tools.memory_usage?.output;
    if (memory === undefined) throw new Error("memory_usage is not in the snapshot");
    memory.properties.hugepages_bytes = { description: "HugePages_Total × Hugepagesize.", minimum: 0, type: "integer" };
    memory.required = [...(memory.required ?? []), "hugepages_bytes"].sort();
    // The last release accepted up to 1000 journal lines; the current read_journal accepts fewer:
    // an input narrowed under a caller that sent 500.
    const lines = snapshot.tools.read_journal?.input.properties.lines;
    if (lines === undefined) throw new Error("read_journal has no lines input in the snapshot");
    expect(lines.maximum).toBeLessThan(1000);
    lines.maximum = 1000;
    writeFileSync(join(root, "tools.json"), `${JSON.stringify(snapshot, null, 2)}\n`);
    writeFileSync(join(changesets, `${name}.md`), `---\n"@mc/tools-systemd": ${bump}\n---\n\nA schema change.\n`);
    return { snapshot: join(root, "tools.json"), changesets };
  }

  it.each([
    ["@mc/tools-systemd", "tools-systemd"],
    ["@mc/tools-config", "tools-config"],
  ])("should pass %s's committed snapshot against its current build", async (name, directory) => {
    const result = await schemasCheck(join(WORKSPACE, "packages", directory));
    expect(result.stderr).not.toContain("ERR");
    expect(result.stdout).toContain(`PASS ${name}:`);
    expect(result.exitCode).toBe(0);
  });

  it("should fail a breaking change that only has a minor changeset, naming the tool, the property and major", async () => {
    const { snapshot, changesets } = breakingCase("minor", "minor");
    const result = await schemasCheck(SYSTEMD, ["--snapshot", snapshot, "--changeset-dir", changesets]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/major\s+memory_usage: output property "hugepages_bytes" removed .*needs a major bump/);
    expect(result.stdout).toMatch(/major\s+read_journal: input property "lines" maximum lowered 1000 → 200 .*needs a major bump/);
    expect(result.stdout).toMatch(/FAIL @mc\/tools-systemd: .*need a major bump, but the pending changesets give only minor/);
    expect(result.stdout).toContain('"@mc/tools-systemd": major');
  });

  it("should pass the same breaking change with a major changeset for the package", async () => {
    const { snapshot, changesets } = breakingCase("major", "major");
    const result = await schemasCheck(SYSTEMD, ["--snapshot", snapshot, "--changeset-dir", changesets]);
    expect(result.stdout).toContain('memory_usage: output property "hugepages_bytes" removed');
    expect(result.stdout).toMatch(/PASS @mc\/tools-systemd: .*the pending changesets give major/);
    expect(result.exitCode).toBe(0);
  });

  it("should fail the breaking change when the only major changeset is for another package", async () => {
    const { snapshot, changesets } = breakingCase("other", "minor");
    writeFileSync(join(changesets, "tools-config-major.md"), '---\n"@mc/tools-config": major\n---\n\nAnother package.\n');
    const result = await schemasCheck(SYSTEMD, ["--snapshot", snapshot, "--changeset-dir", changesets]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toContain("FAIL @mc/tools-systemd:");
  });
});
