// Doctor tells the truth about what the systemd tools can do on this host.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCommandRunner } from "@mc/core";
import { loadPolicy } from "@mc/policy";
import { harnessForTests } from "@mc/systemd-harness";
import { afterEach, describe, expect, it } from "vitest";
import { runDoctor, type DoctorCheck, type DoctorReport } from "./doctor.js";
import { resolveRuntimePaths } from "./runtime-paths.js";
import { createRuntime } from "./runtime.js";
import { builtinTools } from "./tool-registry.js";

const harness = await harnessForTests();
// sd_booted(): systemd is PID 1 exactly when /run/systemd/system is a directory.
const hostHasSystemd = existsSync("/run/systemd/system");

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "mc-doctor-"));
  directories.push(directory);
  return directory;
}

function check(report: DoctorReport, name: string): DoctorCheck {
  const found = report.checks.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no ${name} check in ${JSON.stringify(report.checks.map((candidate) => candidate.name))}`);
  return found;
}

/** doctor through a real runtime, with a policy file when text is given. */
async function doctorWith(options: { policy?: string; prefix?: readonly string[] } = {}): Promise<DoctorReport> {
  const directory = tempDir();
  const policyPath = join(directory, "policy.toml");
  if (options.policy !== undefined) writeFileSync(policyPath, options.policy);
  const runtime = createRuntime({ stateDir: directory, policyPath, env: {}, ...(options.prefix ? { commandPrefix: options.prefix } : {}) });
  try {
    return await runtime.doctor();
  } finally {
    await runtime.close();
  }
}

/** runDoctor with another uid and runner (the privilege and partial-journal checks). */
async function doctorAs(uid: number, prefix: readonly string[], policyText?: string): Promise<DoctorReport> {
  const directory = tempDir();
  const path = join(directory, "policy.toml");
  if (policyText !== undefined) writeFileSync(path, policyText);
  const tools = builtinTools().map((tool) => ({ name: tool.definition.name, risk: tool.definition.risk }));
  const policy = loadPolicy({ path, stateDir: directory, tools });
  return runDoctor({
    paths: resolveRuntimePaths({ stateDir: directory, policyPath: path }, {}),
    policy,
    runner: createCommandRunner({ prefix }),
    store: () => Promise.reject(new Error("no database in this test")),
    tools: builtinTools().map((tool) => tool.definition),
    uid,
  });
}

describe("doctor", () => {
  it.skipIf(hostHasSystemd)("should say, on a host without systemd as PID 1, which tools fail, why, and what to do — and stay ok", async () => {
    const report = await doctorWith();
    const systemd = check(report, "systemd");
    expect(systemd).toMatchObject({ ok: false, severity: "warning" });
    expect(systemd.message).toMatch(/^no systemd system manager answers \(.+\): failed_services, service_status, .* and daemon_reload will fail on this host$/);
    expect(systemd.hint).toContain("systemd as PID 1");
    expect(systemd.details?.unavailable_tools).toContain("restart_service");
    expect(check(report, "journal")).toMatchObject({ ok: false, severity: "warning" });
    expect(check(report, "journal").message).toContain("read_journal will");
    expect(check(report, "user_manager").ok).toBe(false);
    // Warnings: mc itself works (policy, database, audit), so the README's first command succeeds here.
    expect(report.ok).toBe(true);
  });

  it.skipIf(hostHasSystemd)("should name only the tools the policy enables", async () => {
    const report = await doctorWith({
      policy: [
        "version = 1",
        ...[
          "service_status",
          "failed_services",
          "list_units",
          "list_timers",
          "unit_file",
          "start_service",
          "stop_service",
          "enable_service",
          "disable_service",
          "daemon_reload",
          "reload_service",
        ].map((name) => `[tools.${name}]\nenabled = false`),
        "[tools.restart_service]",
        'allowed_scopes = ["system"]',
        "",
      ].join("\n"),
    });
    expect(check(report, "systemd").details?.unavailable_tools).toStrictEqual(["restart_service"]);
    // No enabled manager tool may act in user scope: the user manager is not asked about.
    expect(report.checks.some((candidate) => candidate.name === "user_manager")).toBe(false);
  });

  it.skipIf(!harness.available)("should be ok where the system and user managers answer and the journal has entries", async () => {
    if (!harness.available) return;
    const report = await doctorWith({ prefix: harness.prefix });
    expect(check(report, "systemd")).toMatchObject({ ok: true, details: { version: expect.stringMatching(/^\d+/) as string } });
    expect(check(report, "systemd").message).toMatch(/^system manager answers: systemd \d+.*, (running|degraded)/);
    expect(check(report, "user_manager").ok).toBe(true);
    expect(check(report, "journal")).toMatchObject({ ok: true, message: "the journal is readable" });
    expect(report.ok).toBe(true);
  });

  it.skipIf(!harness.available)("should say when the journal shows only the user's own entries and which tools need root", async () => {
    if (!harness.available) return;
    const report = await doctorAs(1000, harness.userPrefix, 'version = 1\n[tools.stop_service]\nallowed_scopes = ["user"]\n');
    const journal = check(report, "journal");
    expect(journal).toMatchObject({ ok: false, severity: "warning", details: { partial: true } });
    expect(journal.hint).toContain("systemd-journal");
    const privileges = check(report, "privileges");
    expect(privileges.ok).toBe(false);
    expect(privileges.message).toContain("running as uid 1000, not root");
    // stop_service may act only in the user's own manager, where no root is needed.
    expect(privileges.details?.unavailable_tools).toStrictEqual([
      "reload_service",
      "restart_service",
      "start_service",
      "enable_service",
      "disable_service",
      "daemon_reload",
      "write_config_file",
      "restore_config_backup",
    ]);
    expect(privileges.hint).toContain("run mc as root");
  });

  it("should list every policy warning on its own, and none for a fresh template", async () => {
    const report = await doctorWith({
      policy: 'version = 1\n[tools.restart_service]\nenabled = false\nservice_patterns = ["a.service"]\n[tools.stop_service]\nallowed_scopes = []\n',
    });
    expect(check(report, "policy").message).toMatch(/loaded with 2 warnings \(listed below\)$/);
    expect(
      report.checks
        .filter((candidate) => candidate.name === "policy_warning")
        .map((candidate) => [candidate.ok, candidate.severity, candidate.message.replace(/^.*policy\.toml:/, "")]),
    ).toStrictEqual([
      [false, "warning", "3:1: tools.restart_service.enabled: restart_service is disabled, so its allowed_scopes / service_patterns have no effect"],
      [false, "warning", "6:1: tools.stop_service.allowed_scopes: allowed_scopes is empty: every call of stop_service that names a scope is denied"],
    ]);
    expect(report.ok).toBe(true);
  });

  it("should report privileges as root", async () => {
    const report = await doctorAs(0, []);
    expect(check(report, "privileges")).toMatchObject({ ok: true, message: "running as root: every enabled tool may act" });
  });
});
