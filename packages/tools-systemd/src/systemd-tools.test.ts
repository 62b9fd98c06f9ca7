import { riskAnnotations, toolJsonSchemas } from "@mc/core";
import * as v from "valibot";
import { fileURLToPath } from "node:url";
import { checkCompatibility } from "@mc/schema-compat";
import { describe, expect, it } from "vitest";
import { systemdTools } from "./systemd-tools.js";

describe("systemdTools", () => {
  it("should hold every host and systemd tool with its risk level", () => {
    expect(systemdTools.map((tool) => [tool.name, tool.risk])).toStrictEqual([
      ["system_info", "read_only"],
      ["disk_usage", "read_only"],
      ["memory_usage", "read_only"],
      ["top_processes", "read_only"],
      ["process_to_unit", "read_only"],
      ["failed_services", "read_only"],
      ["service_status", "read_only"],
      ["read_journal", "read_only"],
      ["list_units", "read_only"],
      ["list_timers", "read_only"],
      ["unit_file", "read_only"],
      ["network_interfaces", "read_only"],
      ["listening_sockets", "read_only"],
      ["installed_packages", "read_only"],
      ["reload_service", "mutating_safe"],
      ["restart_service", "privileged"],
      ["start_service", "privileged"],
      ["stop_service", "privileged"],
      ["enable_service", "privileged"],
      ["disable_service", "privileged"],
      ["daemon_reload", "privileged"],
    ]);
    expect(riskAnnotations("privileged").destructiveHint).toBe(true);
  });

  it("should give every tool a title and a description an agent can act on", () => {
    for (const tool of systemdTools) {
      expect(tool.title.length, tool.name).toBeGreaterThan(3);
      expect(tool.description.length, tool.name).toBeGreaterThan(60);
    }
  });

  it("should declare approval_id on exactly the tools that can need confirmation", () => {
    const withApproval = systemdTools.filter((tool) => {
      const properties = (toolJsonSchemas(tool).input as { properties?: Record<string, { description?: string }> }).properties;
      const approval = properties?.approval_id;
      if (approval !== undefined) {
        expect(approval.description).toContain("set after a human approved the request; repeat the same call with it");
      }
      return approval !== undefined;
    });
    expect(withApproval.map((tool) => tool.name)).toStrictEqual([
      "reload_service",
      "restart_service",
      "start_service",
      "stop_service",
      "enable_service",
      "disable_service",
      "daemon_reload",
    ]);
  });

  it("should apply the documented defaults", () => {
    const defaults = Object.fromEntries(systemdTools.map((tool) => [tool.name, v.safeParse(tool.input, { pid: 1, unit: "a.service" })]));
    const inputOf = (name: string) => {
      const tool = systemdTools.find((candidate) => candidate.name === name);
      return tool === undefined ? undefined : v.parse(tool.input, {});
    };
    expect(inputOf("disk_usage")).toStrictEqual({ path: "/" });
    expect(inputOf("top_processes")).toStrictEqual({ limit: 5 });
    expect(inputOf("failed_services")).toStrictEqual({ scope: "system", limit: 10 });
    expect(inputOf("read_journal")).toStrictEqual({ lines: 50, scope: "system" });
    expect(inputOf("list_units")).toStrictEqual({ scope: "system", limit: 100 });
    expect(inputOf("list_timers")).toStrictEqual({ scope: "system", limit: 50 });
    expect(defaults.enable_service?.output).toStrictEqual({ unit: "a.service", scope: "system", now: false });
    expect(defaults.start_service?.output).toStrictEqual({ unit: "a.service", scope: "system" });
    expect(inputOf("daemon_reload")).toStrictEqual({ scope: "system" });
    expect(inputOf("network_interfaces")).toStrictEqual({});
    expect(inputOf("listening_sockets")).toStrictEqual({ protocol: "all", limit: 100 });
    expect(defaults.process_to_unit?.output).toStrictEqual({ pid: 1, limit: 3 });
    expect(defaults.service_status?.output).toStrictEqual({ unit: "a.service", scope: "system" });
  });

  // One schema contract: schemas/tools.json (the last release's schemas). A schema change since
  // then needs a pending changeset big enough for it, as `pnpm schemas:check` says in CI.
  it("should change its published JSON Schemas only with a big enough changeset", async () => {
    const report = await checkCompatibility({
      root: fileURLToPath(new URL("../../..", import.meta.url)),
      packages: [{ name: "@mc/tools-systemd", snapshotPath: "packages/tools-systemd/schemas/tools.json", currentTools: systemdTools }],
    });
    expect(report.packages.map((result) => result.message).filter((_, index) => !report.packages[index]?.ok)).toStrictEqual([]);
  });
});
