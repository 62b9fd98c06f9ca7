// Test helpers shared by this package's tests; not part of the public API (not exported by index.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";
import type { PolicyTool } from "./policy-tool.js";

/** mc's systemd and config tools with their risk levels, standing in for the runtime's registry. */
export const MC_TOOLS: readonly PolicyTool[] = [
  { name: "system_info", risk: "read_only" },
  { name: "disk_usage", risk: "read_only" },
  { name: "memory_usage", risk: "read_only" },
  { name: "top_processes", risk: "read_only" },
  { name: "process_to_unit", risk: "read_only" },
  { name: "failed_services", risk: "read_only" },
  { name: "service_status", risk: "read_only" },
  { name: "read_journal", risk: "read_only" },
  { name: "reload_service", risk: "mutating_safe" },
  { name: "restart_service", risk: "privileged" },
  { name: "list_units", risk: "read_only" },
  { name: "list_timers", risk: "read_only" },
  { name: "unit_file", risk: "read_only" },
  { name: "start_service", risk: "privileged" },
  { name: "stop_service", risk: "privileged" },
  { name: "enable_service", risk: "privileged" },
  { name: "disable_service", risk: "privileged" },
  { name: "daemon_reload", risk: "privileged" },
  { name: "read_config_file", risk: "read_only" },
  { name: "write_config_file", risk: "privileged" },
  { name: "restore_config_backup", risk: "privileged" },
];

/**
 * Creates a temporary directory with the given files, removed when the current test finishes.
 * @param files - relative path → content
 * @returns the directory's absolute path
 */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), "mc-policy-test-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  for (const [relative, content] of Object.entries(files)) {
    const path = join(directory, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return directory;
}
