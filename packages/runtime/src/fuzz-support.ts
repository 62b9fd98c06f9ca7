// Shared by the runtime's property tests (fuzz suites): one seed, one set of valid arguments.

/** Seed of the generators: fixed so a run is reproducible; `MC_FUZZ_SEED` replays another. */
export const SEED = Number(process.env.MC_FUZZ_SEED ?? 20_261_125);

/**
 * One valid argument object per built-in tool: the argument fuzz breaks exactly one thing in it,
 * the policy fuzz calls with it so that a denial can only come from the policy.
 */
export const VALID_ARGS: Record<string, Record<string, unknown>> = {
  system_info: {},
  disk_usage: { path: "/" },
  memory_usage: {},
  top_processes: { limit: 1 },
  process_to_unit: { pid: 1 },
  failed_services: { scope: "system", limit: 1 },
  service_status: { unit: "mc-demo.service", scope: "system" },
  read_journal: { unit: "mc-demo.service", lines: 1, scope: "system" },
  list_units: { type: "service", pattern: "mc-*", limit: 1, scope: "system" },
  list_timers: { limit: 1, scope: "system" },
  unit_file: { unit: "mc-demo.service", scope: "system" },
  network_interfaces: {},
  listening_sockets: { protocol: "tcp", limit: 1 },
  installed_packages: { name: "bash", limit: 1 },
  reload_service: { unit: "mc-reload.service", scope: "system" },
  restart_service: { unit: "mc-demo.service", scope: "system" },
  start_service: { unit: "mc-demo.service", scope: "system" },
  stop_service: { unit: "mc-demo.service", scope: "system" },
  enable_service: { unit: "mc-demo.service", scope: "system", now: false },
  disable_service: { unit: "mc-demo.service", scope: "system", now: false },
  daemon_reload: { scope: "system" },
  read_config_file: { path: "/srv/app/app.ini", target: "app" },
  write_config_file: { path: "/srv/app/app.ini", content: "[a]\nb = 1\n", target: "app", dry_run: true },
  restore_config_backup: { path: "/srv/app/app.ini", backup_id: "20260101T000000Z-0000", target: "app" },
  read_log_file: { path: "/var/log/mc-fuzz.log", lines: 1 },
};
