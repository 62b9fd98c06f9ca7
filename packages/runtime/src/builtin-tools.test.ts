// The compile-time tool map matches the tools the runtime registers, and every built-in tool that
// takes a scope or a unit declares them to the policy (the runtime reads no argument names).
import { describe, expect, expectTypeOf, it } from "vitest";
import type { BuiltinTools } from "./builtin-tools.js";
import { builtinTools } from "./tool-registry.js";

const MAP_NAMES = [
  "system_info",
  "disk_usage",
  "memory_usage",
  "top_processes",
  "process_to_unit",
  "failed_services",
  "service_status",
  "read_journal",
  "list_units",
  "list_timers",
  "unit_file",
  "network_interfaces",
  "listening_sockets",
  "installed_packages",
  "reload_service",
  "restart_service",
  "start_service",
  "stop_service",
  "enable_service",
  "disable_service",
  "daemon_reload",
  "read_config_file",
  "write_config_file",
  "restore_config_backup",
  "read_log_file",
] as const satisfies readonly (keyof BuiltinTools)[];

describe("built-in tools", () => {
  it("should type exactly the registered tools", () => {
    expectTypeOf<(typeof MAP_NAMES)[number]>().toEqualTypeOf<keyof BuiltinTools>();
    expect(
      builtinTools()
        .map((tool) => tool.definition.name)
        .sort(),
    ).toStrictEqual([...MAP_NAMES].sort());
  });

  it("should declare a policySubject returning the scope and unit wherever the input takes one", () => {
    const undeclared: string[] = [];
    let checked = 0;
    for (const { definition } of builtinTools()) {
      const schema = definition.input as unknown as { entries?: Record<string, unknown>; pipe?: Array<{ entries?: Record<string, unknown> }> };
      const entries = schema.entries ?? schema.pipe?.find((step) => step.entries !== undefined)?.entries ?? {};
      const names = Object.keys(entries).filter((key): key is "scope" | "unit" => key === "scope" || key === "unit");
      if (names.length === 0) continue;
      checked += 1;
      if (definition.policySubject === undefined) {
        undeclared.push(definition.name);
        continue;
      }
      const input = { scope: "user", unit: "probe.service" };
      const subject = definition.policySubject(input);
      for (const name of names) expect(subject[name], `${definition.name}.${name}`).toBe(input[name]);
    }
    expect(undeclared).toStrictEqual([]);
    // The systemd tools with a scope or unit (13 today): the schema walk found them.
    expect(checked).toBeGreaterThanOrEqual(13);
  });
});
