import { createCommandRunner, toolJsonSchemas } from "@mc/core";
import * as v from "valibot";
import { fileURLToPath } from "node:url";
import { checkCompatibility } from "@mc/schema-compat";
import { describe, expect, it } from "vitest";
import { configTools } from "./config-tools.js";

describe("configTools", () => {
  it("should hold the three config tools and read_log_file with their risk levels", () => {
    expect(configTools.map((tool) => [tool.name, tool.risk])).toStrictEqual([
      ["read_config_file", "read_only"],
      ["write_config_file", "privileged"],
      ["restore_config_backup", "privileged"],
      ["read_log_file", "read_only"],
    ]);
  });

  it("should exempt only dry-run writes from confirmation", async () => {
    const [read, write, restore] = configTools;
    // Syntax-validated targets only: no validator process is involved, so no probe runs.
    const context = {
      runner: createCommandRunner(),
      stateDir: "/nonexistent",
      configTargets: [{ name: "ini", description: "", roots: ["/x"], fileGlobs: ["*"], validator: "ini_parse" as const }],
    };
    expect(await write?.confirmationExempt?.({ path: "/x", content: "", dry_run: true }, context)).toBe(true);
    expect(await write?.confirmationExempt?.({ path: "/x", content: "", dry_run: false }, context)).toBe(false);
    expect([read?.confirmationExempt, restore?.confirmationExempt]).toStrictEqual([undefined, undefined]);
  });

  it("should declare approval_id on exactly the privileged tools", () => {
    const withApproval = configTools.filter((tool) => {
      const properties = (toolJsonSchemas(tool).input as { properties?: Record<string, { description?: string }> }).properties;
      const approval = properties?.approval_id;
      if (approval !== undefined) expect(approval.description).toContain("set after a human approved the request; repeat the same call with it");
      return approval !== undefined;
    });
    expect(withApproval.map((tool) => tool.name)).toStrictEqual(["write_config_file", "restore_config_backup"]);
  });

  it("should default dry_run to false and refuse unknown arguments", () => {
    const write = configTools[1];
    expect(write === undefined ? undefined : v.parse(write.input, { path: "/a.ini", content: "" })).toStrictEqual({
      path: "/a.ini",
      content: "",
      dry_run: false,
    });
    expect(write === undefined ? true : v.safeParse(write.input, { path: "/a.ini", content: "", mode: "0777" }).success).toBe(false);
  });

  // One schema contract: schemas/tools.json (the last release's schemas). A schema change since
  // then needs a pending changeset big enough for it, as `pnpm schemas:check` says in CI.
  it("should change its published JSON Schemas only with a big enough changeset", async () => {
    const report = await checkCompatibility({
      root: fileURLToPath(new URL("../../..", import.meta.url)),
      packages: [{ name: "@mc/tools-config", snapshotPath: "packages/tools-config/schemas/tools.json", currentTools: configTools }],
    });
    expect(report.packages.map((result) => result.message).filter((_, index) => !report.packages[index]?.ok)).toStrictEqual([]);
  });
});
