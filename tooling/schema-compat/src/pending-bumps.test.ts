import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ChangesetError } from "./errors/changeset-error.js";
import { readPendingBumps } from "./pending-bumps.js";

async function changesetDir(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "mc-schema-compat-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const directory = join(root, ".changeset");
  await mkdir(directory);
  for (const [name, text] of Object.entries(files)) await writeFile(join(directory, name), text);
  return directory;
}

describe("readPendingBumps", () => {
  it("should give the highest bump per package across changesets", async () => {
    const directory = await changesetDir({
      "tools-systemd-lines.md": '---\n"@mc/tools-systemd": minor\n"@mc/core": patch\n---\n\nMore journal lines.\n',
      "tools-systemd-rename.md": "---\n'@mc/tools-systemd': major\n---\n\n- Renamed `lines`.\n",
      "core-docs.md": '---\n"@mc/core": patch\n---\n\nDocs.\n',
      "policy-none.md": '---\n"@mc/policy": none\n---\n\nInternal.\n',
      "README.md": "# Changesets\n\nNot a changeset.\n",
      "config.json": '{ "baseBranch": "main" }\n',
    });
    const bumps = await readPendingBumps(directory);
    expect(Object.fromEntries(bumps)).toStrictEqual({
      "@mc/core": "patch",
      "@mc/policy": "none",
      "@mc/tools-systemd": "major",
    });
  });

  it("should treat an empty front matter as a changeset that bumps nothing", async () => {
    const directory = await changesetDir({ "empty.md": "---\n---\n\nNothing to release.\n" });
    expect(await readPendingBumps(directory)).toStrictEqual(new Map());
  });

  it("should give no bumps when the directory does not exist", async () => {
    const directory = await changesetDir({});
    expect(await readPendingBumps(join(directory, "missing"))).toStrictEqual(new Map());
  });

  it("should name the file of a changeset with an invalid bump", async () => {
    const directory = await changesetDir({ "bad.md": '---\n"@mc/core": huge\n---\n\nOops.\n' });
    const error = await readPendingBumps(directory).catch((caught: unknown) => caught);
    expect(ChangesetError.isInstance(error)).toBe(true);
    expect((error as ChangesetError).message).toBe(
      `${join(directory, "bad.md")}: could not parse changeset - invalid version type "huge" for package "@mc/core".`,
    );
    expect((error as ChangesetError).data).toStrictEqual({ path: join(directory, "bad.md") });
  });

  it("should name the file of a changeset without front matter", async () => {
    const directory = await changesetDir({ "plain.md": "Just text.\n" });
    const error = await readPendingBumps(directory).catch((caught: unknown) => caught);
    expect(ChangesetError.isInstance(error)).toBe(true);
    expect((error as ChangesetError).message).toMatch(/plain\.md: could not parse changeset - missing or invalid frontmatter\.$/);
  });
});
