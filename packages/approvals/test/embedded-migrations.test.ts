import { execa } from "execa";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { EMBEDDED_PG_MIGRATIONS } from "../src/embedded-migrations-pg.js";
import { EMBEDDED_MIGRATIONS } from "../src/embedded-migrations.js";
import { PACKAGE_DIR } from "../src/test-support.js";

describe("embedded migrations", () => {
  it("should match the drizzle-kit output in ./drizzle exactly", async () => {
    const result = await execa(process.execPath, [join(PACKAGE_DIR, "scripts", "embed-migrations.mjs"), "--check"], { cwd: PACKAGE_DIR, reject: false });
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toStrictEqual({ exitCode: 0, stderr: "" });
  });

  it.each([
    ["drizzle", EMBEDDED_MIGRATIONS],
    ["drizzle-pg", EMBEDDED_PG_MIGRATIONS],
  ] as const)("should embed every SQL file drizzle-kit wrote to ./%s, in journal order", (folder, embedded) => {
    const journal = JSON.parse(readFileSync(join(PACKAGE_DIR, folder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
    const sqlFiles = readdirSync(join(PACKAGE_DIR, folder)).filter((name) => name.endsWith(".sql")).sort();
    expect(embedded.map((migration) => migration.tag)).toStrictEqual(journal.entries.map((entry) => entry.tag));
    expect(sqlFiles).toStrictEqual(journal.entries.map((entry) => `${entry.tag}.sql`));
  });

  it.each([
    ["drizzle", "sqlite", "./src/schema.ts"],
    ["drizzle-pg", "postgresql", "./src/schema-pg.ts"],
  ] as const)("should have no schema change that drizzle-kit has not generated a migration for in ./%s", async (folder, dialect, schema) => {
    // Generate against a copy, so a forgotten migration fails the test without writing one
    // into ./drizzle. drizzle-kit takes only paths relative to the working directory.
    mkdirSync(join(PACKAGE_DIR, "node_modules", ".cache"), { recursive: true });
    const copy = mkdtempSync(join(PACKAGE_DIR, "node_modules", ".cache", "drizzle-check-"));
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(join(PACKAGE_DIR, folder), copy, { recursive: true });
    const result = await execa(
      "pnpm",
      ["exec", "drizzle-kit", "generate", "--dialect", dialect, "--schema", schema, "--out", relative(PACKAGE_DIR, copy), "--name", "check"],
      { cwd: PACKAGE_DIR, reject: false, env: { CI: "1" } },
    );
    expect(result.stdout).toContain("No schema changes, nothing to migrate");
    expect(readdirSync(copy).filter((name) => name.endsWith(".sql"))).toStrictEqual(readdirSync(join(PACKAGE_DIR, folder)).filter((name) => name.endsWith(".sql")));
  });
});
