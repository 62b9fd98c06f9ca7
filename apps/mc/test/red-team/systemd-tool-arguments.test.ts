// Red team: the systemd tools (list_units, list_timers, unit_file, start/stop/enable/
// disable_service) and read_journal's filters take bounded arguments only. An agent tries to
// smuggle options into systemctl/journalctl, shell syntax, journalctl's own time parser, regular
// expressions with catastrophic backtracking, and privileged actions without approval, through the
// real runtime. Every command goes through a recording prefix (then the harness container when it
// is up): a case breaks a guarantee when a refused call started any process, when client text
// reached journalctl as anything but a number or a fully escaped literal, or when a privileged
// action ran without an approval or outside service_patterns.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@mc/runtime";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";
import { recordingPrefix, type RecordingPrefix } from "./recording-prefix.js";

const caller = { caller: { kind: "embedded" as const, name: "red-team-systemd" } };
const harness = await harnessForTests();

describe("systemd tool and journal filter arguments through the runtime", () => {
  const injection = attackClass("systemd argument injection (list_units, list_timers, unit_file, start/stop/enable/disable_service, read_journal filters)");
  const smuggling = attackClass("journal filter smuggling (since/until/grep/boot reach journalctl only as numbers or escaped literals)");
  const unapproved = attackClass("unit actions without approval or outside service_patterns");
  let dir: string;
  let recorded: RecordingPrefix;
  let runtime: Runtime;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "mc-red-systemd-")));
    // Recorded first, then run in the harness container when it is up.
    recorded = recordingPrefix(dir, harness.available ? harness.prefix : []);
    writeFileSync(join(dir, "policy.toml"), 'version = 1\n[tools.stop_service]\nservice_patterns = ["app-*.service"]\n');
    runtime = createRuntime({ stateDir: join(dir, "state"), policyPath: join(dir, "policy.toml"), env: {}, commandPrefix: recorded.prefix });
  });

  afterAll(async () => {
    await runtime?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should refuse hostile arguments before any process starts", async () => {
    const units = [
      "--all",
      "-H",
      "--host=evil",
      "mc-demo.service;reboot",
      "mc-demo.service --force",
      "$(id).service",
      "`id`.service",
      "*.service",
      "../../etc/shadow.service",
      "/etc/shadow",
      "mc-demo.service\n",
      "mc-demo\u0000.service",
      "ｍｃ.service",
      "",
      "x".repeat(300) + ".service",
    ];
    const hostile: [string, Record<string, unknown>][] = [
      ...["unit_file", "start_service", "stop_service", "enable_service", "disable_service"].flatMap((tool) =>
        units.map((unit): [string, Record<string, unknown>] => [tool, { unit }]),
      ),
      ...[{ now: "yes" }, { now: 1 }, { runtime: true }, { force: true }, { approval_id: "x;id" }].flatMap((extra) =>
        ["enable_service", "disable_service"].map((tool): [string, Record<string, unknown>] => [tool, { unit: "mc-demo.service", ...extra }]),
      ),
      ...[
        { pattern: "--all" },
        { pattern: "-*" },
        { pattern: "--state=failed" },
        { pattern: "*;id" },
        { pattern: "$(id)" },
        { pattern: "a b" },
        { pattern: "a\\*" },
        { pattern: "mc-[a" },
        { pattern: "mc-[]" },
        { pattern: "mc-[z-a]" },
        { pattern: "*/*" },
        { pattern: "a\u202eb" },
        { pattern: "*".repeat(257) },
        { pattern: "" },
        { type: "service --all" },
        { type: "all" },
        { state: "failed,active" },
        { state: "--all" },
        { limit: 0 },
        { limit: 501 },
        { limit: 1.5 },
        { limit: "10" },
        { output: "json" },
        { unit: "mc-demo.service" },
      ].map((args): [string, Record<string, unknown>] => ["list_units", args]),
      ...[{ limit: 0 }, { limit: 201 }, { scope: "global" }, { scope: "--system" }, { all: true }].map((args): [string, Record<string, unknown>] => [
        "list_timers",
        args,
      ]),
      ...[
        { since: "yesterday" },
        { since: "today" },
        { since: "now" },
        { since: "2026-11-25 10:00:00" },
        { since: "2026-11-25T10:00:00" },
        { since: "2026-11-25T10:00:00 UTC" },
        { since: "@0" },
        { since: "-1y" },
        { since: "+1h" },
        { since: "-1h --follow" },
        { since: "--follow" },
        { since: "-99999999d" },
        { since: "2026-13-01" },
        { since: "2026-02-29" },
        { since: "0000-01-01" },
        { since: 0 },
        { until: "-1h", since: "-1m" },
        { until: "tomorrow" },
        { priority: "verbose" },
        { priority: "err,warning" },
        { priority: "0..3" },
        { priority: 8 },
        { priority: -1 },
        { priority: "3" },
        { grep: "" },
        { grep: "x".repeat(201) },
        { grep: "a\nb" },
        { grep: "a\rb" },
        { grep: "\u001b[2J" },
        { grep: "a\u0000" },
        { grep: 1 },
        { boot: 1 },
        { boot: -101 },
        { boot: "-1" },
        { boot: "all" },
        { boot: "0".repeat(32) },
        { boot: "g".repeat(32) },
        { boot: "0".repeat(31) },
        { boot: 0.5 },
        { follow: true },
        { output: "cat" },
      ].map((args): [string, Record<string, unknown>] => ["read_journal", args]),
    ];
    recorded.take();
    for (const [tool, args] of hostile) {
      const result = await runtime.call(tool, args, caller);
      const started = recorded.take();
      const broke = !(result.status === "error" && result.code === "input_invalid") || started.length > 0;
      injection.record(broke, broke ? `${tool} ${JSON.stringify(args).slice(0, 80)} → ${result.status} ${JSON.stringify(started).slice(0, 120)}` : undefined);
    }
    expect(injection.tried).toBeGreaterThanOrEqual(150);
    expect(injection.failures).toStrictEqual([]);
  });

  it("should give journalctl client text only as @seconds or a literal --grep pattern", async () => {
    const accepted: Record<string, unknown>[] = [
      { grep: "(a+)+$" },
      { grep: "(x|x)*y" },
      { grep: "\\1(a)\\k<n>" },
      { grep: "--follow" },
      { grep: "-f" },
      { grep: "a' OR 1=1 --" },
      { grep: "$(reboot)" },
      { grep: "(?{ system('id') })" },
      { grep: "\\Q" },
      { grep: "\\E.*" },
      { grep: "[[:alpha:]]{1000000}" },
      { grep: "(*LIMIT_MATCH=1)a" },
      { grep: "é(ü)+" },
      { since: "-1h" },
      { since: "2026-11-25" },
      { since: "2026-11-25T10:00:00.123456789+05:30" },
      { since: "-3650d", until: "-1s" },
      { priority: "emerg" },
      { priority: 7 },
      { boot: 0 },
      { boot: -1 },
      { boot: "0123456789ABCDEFabcdef0123456789" },
    ];
    recorded.take();
    for (const args of accepted) {
      const result = await runtime.call("read_journal", { lines: 1, ...args }, caller);
      const started = recorded.take();
      const problems: string[] = [];
      if (result.status === "error" && result.code === "input_invalid") problems.push("refused");
      if (started.length === 0) problems.push("no journalctl call");
      for (const argv of started) {
        if (argv[0] !== "journalctl") problems.push(`ran ${argv[0]}`);
        for (const arg of argv.slice(1)) {
          if (arg.startsWith("--since=") || arg.startsWith("--until=")) {
            if (!/^--(since|until)=@\d+\.\d{3}$/.test(arg)) problems.push(arg);
          } else if (arg.startsWith("--grep=")) {
            const pattern = arg.slice("--grep=".length);
            // Once every backslash pair is taken out, no ASCII punctuation may be left: no
            // group, quantifier, class, anchor, alternation or verb can be formed.
            if (/[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(pattern.replace(/\\[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/g, ""))) problems.push(arg);
          } else if (arg.startsWith("--priority=")) {
            if (!/^--priority=[0-7]$/.test(arg)) problems.push(arg);
          } else if (arg.startsWith("--boot=")) {
            if (!/^--boot=(0|-\d{1,3}|[0-9a-f]{32})$/.test(arg)) problems.push(arg);
          } else if (
            !["-q", "--no-pager", "--output=json", "--reverse", "-n", "1", "--case-sensitive=false"].includes(arg) &&
            !arg.startsWith("--output-fields=") &&
            !arg.startsWith("--after-cursor=")
          ) {
            problems.push(`unexpected argument ${JSON.stringify(arg)}`);
          }
        }
      }
      smuggling.record(problems.length > 0, problems.length > 0 ? `${JSON.stringify(args)}: ${problems.join(", ")}` : undefined);
    }
    expect(smuggling.failures).toStrictEqual([]);
  });

  it("should run no unit action without an approval, nor on a unit outside service_patterns", async () => {
    recorded.take();
    for (const tool of ["start_service", "stop_service", "enable_service", "disable_service"]) {
      for (const args of [{ unit: "mc-demo.service" }, { unit: "mc-demo.service", now: true }, { unit: "app-web.service", scope: "user" }]) {
        if (tool.startsWith("start") || tool.startsWith("stop")) delete (args as { now?: boolean }).now;
        const result = await runtime.call(tool, args, caller);
        const started = recorded.take();
        const expected = tool === "stop_service" && args.unit === "mc-demo.service" ? "denied" : "approval_required";
        const broke = result.status !== expected || started.length > 0;
        unapproved.record(broke, broke ? `${tool} ${JSON.stringify(args)} → ${result.status} ${JSON.stringify(started)}` : undefined);
      }
    }
    // A made-up approval id claims nothing: the action still does not run.
    const forged = await runtime.call("start_service", { unit: "mc-demo.service", approval_id: "apr_0000000000000000" }, caller);
    const started = recorded.take();
    unapproved.record(forged.status === "ok" || started.some((argv) => argv.includes("start")), `forged approval id → ${forged.status}`);
    expect(unapproved.failures).toStrictEqual([]);
  });
});
