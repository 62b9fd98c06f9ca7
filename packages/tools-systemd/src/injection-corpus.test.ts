import { InputError, parseToolInput, type ToolDefinition } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { systemdTools } from "./systemd-tools.js";
import { contextFor } from "./test-kit.js";

const harness = await harnessForTests();
// Against the container when it is up, so a command that slipped through would really run.
const prefix = harness.available ? harness.prefix : [];

type ToolName =
  | "system_info"
  | "disk_usage"
  | "memory_usage"
  | "top_processes"
  | "process_to_unit"
  | "failed_services"
  | "service_status"
  | "read_journal"
  | "reload_service"
  | "restart_service"
  | "daemon_reload"
  | "list_units"
  | "list_timers"
  | "unit_file"
  | "start_service"
  | "stop_service"
  | "enable_service"
  | "disable_service"
  | "network_interfaces"
  | "listening_sockets"
  | "installed_packages";

/** [what it tries, tool, arguments, the argument the error must name] */
type Case = [string, ToolName, unknown, string];

const badUnits: [string, unknown][] = [
  ["command after ;", "nginx.service; rm -rf /"],
  ["pipe", "nginx.service|cat /etc/shadow"],
  ["and-list", "nginx.service&&id"],
  ["background &", "nginx.service&"],
  ["command substitution $()", "$(id).service"],
  ["variable", "${HOME}.service"],
  ["backticks", "`id`.service"],
  ["parenthesis", "(nginx).service"],
  ["redirect in", "<nginx.service"],
  ["redirect out", "nginx.service>/etc/passwd"],
  ["trailing newline", "nginx.service\n"],
  ["embedded newline", "nginx.service\nreboot.target"],
  ["carriage return", "nginx.service\r"],
  ["NUL byte", "nginx\u0000.service"],
  ["tab", "\tnginx.service"],
  ["option --help", "--help"],
  ["option -H", "-H"],
  ["option with value", "--host=evil.service"],
  ["leading dash", "-x.service"],
  ["end of options", "--"],
  ["dot dot", ".."],
  ["path traversal", "../../etc/passwd.service"],
  ["absolute path", "/etc/systemd/system/nginx.service"],
  ["no suffix", "nginx"],
  ["unknown suffix", "nginx.conf"],
  ["suffix only", ".service"],
  ["overlong", `${"a".repeat(300)}.service`],
  ["U+2024 one dot leader", "nginx\u2024service"],
  ["fullwidth letters", "ｎｇｉｎｘ.service"],
  ["Cyrillic s", "nginx.\u0455ervice"],
  ["dotless i", "nginx.serv\u0131ce"],
  ["zero-width space", "nginx.service\u200b"],
  ["space", "nginx service.service"],
  ["trailing space", "nginx.service "],
  ["glob *", "*.service"],
  ["glob ?", "nginx?.service"],
  ["single quote", "nginx'.service"],
  ["double quote", 'nginx".service'],
  ["backslash", "nginx\\.service"],
  ["tilde", "~root.service"],
  ["comment", "nginx.service#x"],
  ["empty", ""],
  ["number", 42],
  ["null", null],
  ["array", ["nginx.service"]],
  ["object", { name: "nginx.service" }],
];

const cases: Case[] = [
  ...badUnits.map(([what, unit]): Case => [`unit: ${what}`, "service_status", { unit }, "unit"]),
  ["reload unit --all", "reload_service", { unit: "--all" }, "unit"],
  ["restart two words", "restart_service", { unit: "mc-demo.service --force" }, "unit"],
  ["restart with ;", "restart_service", { unit: "mc-demo.service;reboot" }, "unit"],
  ["restart missing unit", "restart_service", {}, "unit"],
  ["journal unit as an option", "read_journal", { unit: "--since=yesterday" }, "unit"],
  ["journal unit with newline", "read_journal", { unit: "mc-logger.service\n-f" }, "unit"],
  ["scope case", "service_status", { unit: "mc-demo.service", scope: "System" }, "scope"],
  ["scope as option", "failed_services", { scope: "--user" }, "scope"],
  ["scope with ;", "restart_service", { unit: "mc-demo.service", scope: "user;id" }, "scope"],
  ["scope number", "daemon_reload", { scope: 1 }, "scope"],
  ["scope global", "daemon_reload", { scope: "global" }, "scope"],
  ["lines 0", "read_journal", { lines: 0 }, "lines"],
  ["lines 201", "read_journal", { lines: 201 }, "lines"],
  ["lines negative", "read_journal", { lines: -1 }, "lines"],
  ["lines fraction", "read_journal", { lines: 1.5 }, "lines"],
  ["lines string", "read_journal", { lines: "50" }, "lines"],
  ["lines NaN", "read_journal", { lines: Number.NaN }, "lines"],
  ["lines Infinity", "read_journal", { lines: Number.POSITIVE_INFINITY }, "lines"],
  ["failed limit 0", "failed_services", { limit: 0 }, "limit"],
  ["failed limit 51", "failed_services", { limit: 51 }, "limit"],
  ["top limit 21", "top_processes", { limit: 21 }, "limit"],
  ["top limit injection", "top_processes", { limit: "5; id" }, "limit"],
  ["process limit 21", "process_to_unit", { name: "sshd", limit: 21 }, "limit"],
  ["pid 0", "process_to_unit", { pid: 0 }, "pid"],
  ["pid negative", "process_to_unit", { pid: -1 }, "pid"],
  ["pid string", "process_to_unit", { pid: "1" }, "pid"],
  ["pid fraction", "process_to_unit", { pid: 1.5 }, "pid"],
  ["pid too large", "process_to_unit", { pid: 4_194_305 }, "pid"],
  ["neither pid nor name", "process_to_unit", {}, "pid"],
  ["name with ;", "process_to_unit", { name: "sh;id" }, "name"],
  ["name as option", "process_to_unit", { name: "-e" }, "name"],
  ["name path", "process_to_unit", { name: "../x" }, "name"],
  ["name overlong", "process_to_unit", { name: "a".repeat(16) }, "name"],
  ["name empty", "process_to_unit", { name: "" }, "name"],
  ["relative path", "disk_usage", { path: "relative/dir" }, "path"],
  ["path with ..", "disk_usage", { path: "/tmp/../etc" }, "path"],
  ["path /..", "disk_usage", { path: "/.." }, "path"],
  ["empty path", "disk_usage", { path: "" }, "path"],
  ["path with newline", "disk_usage", { path: "/tmp\n/etc" }, "path"],
  ["path with NUL", "disk_usage", { path: "/tmp\u0000x" }, "path"],
  ["overlong path", "disk_usage", { path: `/${"a".repeat(5000)}` }, "path"],
  ["path as option", "disk_usage", { path: "-h" }, "path"],
  ["home path", "disk_usage", { path: "~/x" }, "path"],
  ["path number", "disk_usage", { path: 42 }, "path"],
  ["approval id number", "reload_service", { unit: "mc-reload.service", approval_id: 5 }, "approval_id"],
  ["approval id empty", "restart_service", { unit: "mc-demo.service", approval_id: "" }, "approval_id"],
  ["unknown argument", "restart_service", { unit: "mc-demo.service", force: true }, "force"],
  ["unknown argument to no-argument tool", "system_info", { "; id": 1 }, "; id"],
  ["extra argument to memory_usage", "memory_usage", { path: "/" }, "path"],
  ["arguments as a string", "service_status", "mc-demo.service", ""],
  ["arguments as an array", "restart_service", ["mc-demo.service"], "unit"],
  ["list pattern as an option", "list_units", { pattern: "--all" }, "pattern"],
  ["list pattern with ;", "list_units", { pattern: "mc-*;id" }, "pattern"],
  ["list pattern with space", "list_units", { pattern: "mc-* x" }, "pattern"],
  ["list pattern with $()", "list_units", { pattern: "$(id)*" }, "pattern"],
  ["list pattern with newline", "list_units", { pattern: "mc-*\n--all" }, "pattern"],
  ["list pattern unclosed class", "list_units", { pattern: "mc-[a" }, "pattern"],
  ["list pattern overlong", "list_units", { pattern: "*".repeat(257) }, "pattern"],
  ["list type unknown", "list_units", { type: "service --all" }, "type"],
  ["list state unknown", "list_units", { state: "failed,active" }, "state"],
  ["list limit 501", "list_units", { limit: 501 }, "limit"],
  ["timers limit 0", "list_timers", { limit: 0 }, "limit"],
  ["timers limit 201", "list_timers", { limit: 201 }, "limit"],
  ["timers scope", "list_timers", { scope: "--system" }, "scope"],
  ["unit file as a path", "unit_file", { unit: "/etc/shadow" }, "unit"],
  ["unit file traversal", "unit_file", { unit: "../../etc/shadow.service" }, "unit"],
  ["unit file option", "unit_file", { unit: "--user" }, "unit"],
  ["start with ;", "start_service", { unit: "mc-demo.service;reboot" }, "unit"],
  ["start option", "start_service", { unit: "--all" }, "unit"],
  ["stop two words", "stop_service", { unit: "mc-demo.service sshd.service" }, "unit"],
  ["stop glob", "stop_service", { unit: "*.service" }, "unit"],
  ["enable now string", "enable_service", { unit: "mc-demo.service", now: "true" }, "now"],
  ["enable runtime flag", "enable_service", { unit: "mc-demo.service", runtime: true }, "runtime"],
  ["disable approval id shape", "disable_service", { unit: "mc-demo.service", approval_id: "x; id" }, "approval_id"],
  ["disable option", "disable_service", { unit: "--now" }, "unit"],
  ["journal since free text", "read_journal", { since: "yesterday" }, "since"],
  ["journal since no zone", "read_journal", { since: "2026-11-25T10:00:00" }, "since"],
  ["journal since as an option", "read_journal", { since: "--until=now" }, "since"],
  ["journal since epoch", "read_journal", { since: "@0" }, "since"],
  ["journal until before since", "read_journal", { since: "-1h", until: "-2h" }, "until"],
  ["journal priority unknown", "read_journal", { priority: "verbose" }, "priority"],
  ["journal priority 8", "read_journal", { priority: 8 }, "priority"],
  ["journal grep overlong", "read_journal", { grep: "a".repeat(201) }, "grep"],
  ["journal grep newline", "read_journal", { grep: "a\nb" }, "grep"],
  ["journal grep escape", "read_journal", { grep: "\u001b]0;x\u0007" }, "grep"],
  ["journal boot 1", "read_journal", { boot: 1 }, "boot"],
  ["journal boot text", "read_journal", { boot: "all" }, "boot"],
  ["journal boot null id", "read_journal", { boot: "0".repeat(32) }, "boot"],
  ["interfaces unknown argument", "network_interfaces", { name: "eth0; id" }, "name"],
  ["sockets protocol", "listening_sockets", { protocol: "tcp;id" }, "protocol"],
  ["sockets limit 501", "listening_sockets", { limit: 501 }, "limit"],
  ["packages name as an option", "installed_packages", { name: "--admindir=/tmp" }, "name"],
  ["packages pattern with $()", "installed_packages", { pattern: "$(id)*" }, "pattern"],
];

const toolsByName = new Map(systemdTools.map((tool) => [tool.name, tool]));

describe("injection corpus", () => {
  it("should hold at least 50 cases over every tool that takes arguments", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map(([, tool]) => tool))).toStrictEqual(new Set([...toolsByName.keys()]));
  });

  it.each(cases)("should refuse %s before any process starts", async (_what, toolName, args, argument) => {
    const tool = toolsByName.get(toolName) as ToolDefinition;
    const { context, calls } = contextFor(prefix);
    let error: unknown;
    try {
      const input = parseToolInput(tool.name, tool.input, args);
      await tool.run(input, context);
    } catch (caught) {
      error = caught;
    }
    expect(InputError.isInstance(error)).toBe(true);
    const inputError = error as InputError;
    expect(inputError.issues.map((issue) => issue.path)).toContain(argument);
    expect(inputError.message).toContain(`Invalid arguments for ${toolName}`);
    // The message names the argument: "unit: must be …", "missing required argument unit", "unknown argument x".
    if (argument !== "")
      expect(
        [`${argument}: `, `missing required argument ${argument}`, `unknown argument ${argument}`].some((form) => inputError.message.includes(form)),
        inputError.message,
      ).toBe(true);
    expect(calls).toStrictEqual([]);
  });
});
