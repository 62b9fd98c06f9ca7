import { access, constants, mkdir } from "node:fs/promises";
import { TIMEOUTS, validatorConfinement, type CommandRunner, type ToolDefinition, type ToolNeed } from "@mc/core";
import type { LoadedPolicy } from "@mc/policy";
import type { ApprovalStore } from "@mc/approvals";
import { redactDatabaseUrl as redactUrl, type RuntimePaths } from "./runtime-paths.js";

/** One check of `doctor`. */
export interface DoctorCheck {
  /** Short stable name, e.g. `policy`. */
  name: string;
  ok: boolean;
  /**
   * `error`: mc cannot work as configured (doctor fails). `warning`: some tools will fail on this
   * host (no systemctl), the rest works.
   */
  severity: "error" | "warning";
  /** One line for a human. */
  message: string;
  /** What to do about a failed check, when there is something to do. */
  hint?: string;
  /** Structured details (diagnostics, versions). */
  details?: Record<string, unknown>;
}

/** What `doctor` found. `ok` is false when any error-level check failed. */
export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
  paths: RuntimePaths;
}

/** What the doctor looks at. */
export interface DoctorInputs {
  paths: RuntimePaths;
  policy: LoadedPolicy;
  runner: CommandRunner;
  store: () => Promise<ApprovalStore>;
  /** The registered tools: what they need from the host decides which checks name them. */
  tools: readonly DoctorTool[];
  /** The uid mc runs as (default: this process's); tools that change the system need root. */
  uid?: number;
}

/**
 * Checks what mc needs to work: a policy that loads, a writable state dir, the database and its
 * audit chain — a failure there is an error (doctor not ok, exit 1), since no tool call can be
 * decided or audited. Then what this host lets the tools do: a systemd manager that answers
 * (system, and user when user scope is allowed), a readable journal, validator confinement and
 * the privileges mc runs with — a failure there is a warning naming the tools that will fail,
 * why, and what to do: the other tools still work.
 * @param inputs - runtime parts to check
 * @returns every check with a message; ok only when no error-level check failed
 */
export async function runDoctor(inputs: DoctorInputs): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const { diagnostics } = inputs.policy;
  const warningCount = diagnostics.warnings.length;
  checks.push({
    name: "policy",
    severity: "error",
    ok: diagnostics.ok,
    message: diagnostics.ok
      ? diagnostics.source === "file"
        ? `policy ${diagnostics.path} loaded${warningCount ? ` with ${warningCount} warning${warningCount === 1 ? "" : "s"} (listed below)` : ""}`
        : `no policy file at ${diagnostics.path}: safe defaults apply`
      : `policy ${diagnostics.path} does not load, every tool is denied: ${diagnostics.errors.map((error) => error.message).join("; ")}`,
    details: { source: diagnostics.source, path: diagnostics.path, errors: diagnostics.errors, warnings: diagnostics.warnings },
  });
  // Every warning on its own line: "2 warning(s)" tells an operator nothing to fix.
  for (const warning of diagnostics.warnings) {
    checks.push({ name: "policy_warning", severity: "warning", ok: false, message: warning.message, details: { ...warning } });
  }

  // The host probes and the validators' probe spawn processes: start them all now, alongside the
  // state dir and database checks (each one is a process or three; one after another they were
  // most of doctor's time). The report keeps its order.
  const enabled = enabledTools(inputs.policy);
  const managerTools = affected(enabled, needing(inputs.tools, "systemd_manager"));
  const hostChecks = Promise.all([
    checkSystemManager(inputs.runner, managerTools),
    checkUserManager(inputs.runner, inputs.policy, managerTools),
    checkJournal(inputs.runner, affected(enabled, needing(inputs.tools, "journal")), inputs.uid ?? process.getuid?.()),
  ]);
  const validators = checkValidators(inputs);
  checks.push(await checkStateDir(inputs.paths.stateDir), ...(await checkDatabase(inputs)), ...(await hostChecks).flat(), await validators);
  checks.push(checkPrivileges(inputs.uid ?? process.getuid?.(), inputs.policy, affected(enabled, changing(inputs.tools)), managerTools));
  const toolCount = inputs.tools.length;
  checks.push({ name: "tools", severity: "error", ok: toolCount > 0, message: `${toolCount} tools registered` });
  return {
    ok: checks.every((check) => check.ok || check.severity === "warning"),
    checks,
    paths: { ...inputs.paths, databaseUrl: redactUrl(inputs.paths.databaseUrl) },
  };
}

/** What doctor needs to know of each registered tool: its risk and what it needs from the host. */
export type DoctorTool = Pick<ToolDefinition, "name" | "risk" | "needs">;

/** Names of the tools that declare a need (a systemd manager, the journal). */
function needing(tools: readonly DoctorTool[], need: ToolNeed): string[] {
  return tools.filter((tool) => tool.needs?.includes(need) === true).map((tool) => tool.name);
}

/**
 * Names of the tools that change the system. As a user other than root, systemd refuses their
 * system-scope actions (no password prompt) and /etc stays read-only.
 */
function changing(tools: readonly DoctorTool[]): string[] {
  return tools.filter((tool) => tool.risk !== "read_only").map((tool) => tool.name);
}

/** Names of the tools this policy lets run (none when it does not load). */
function enabledTools(policy: LoadedPolicy): Set<string> {
  if (!policy.ok) return new Set();
  return new Set([...policy.tools.values()].filter((rule) => rule.enabled).map((rule) => rule.name));
}

/** The enabled ones among `names`, in order. */
function affected(enabled: ReadonlySet<string>, names: readonly string[]): string[] {
  return names.filter((name) => enabled.has(name));
}

/** "a, b and c", or a word for none. */
function toolList(names: readonly string[]): string {
  if (names.length === 0) return "no enabled tool";
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** First line of a command's own explanation. */
function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}

/**
 * Runs a probe; a program that cannot start is an answer too.
 * @returns the result, or the error's message
 */
async function probe(
  runner: CommandRunner,
  program: string,
  args: readonly string[],
  scope: "system" | "user" = "system",
): Promise<{ exitCode: number | null; stdout: string; stderr: string } | { error: string }> {
  try {
    return await runner.run(program, [...args], { timeoutMs: TIMEOUTS.query, scope });
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** `KEY=value` lines of `systemctl show`. */
function properties(stdout: string): Map<string, string> {
  return new Map(
    stdout.split("\n").flatMap((line) => {
      const at = line.indexOf("=");
      return at > 0 ? [[line.slice(0, at), line.slice(at + 1).trim()] as const] : [];
    }),
  );
}

const NO_MANAGER_HINT =
  "mc's systemd tools need a host booted with systemd as PID 1 (a container or WSL often is not): run mc on such a host, " +
  "or set enabled = false for these tools in the policy so agents are not offered tools that cannot work";

/**
 * Whether the system manager answers on its bus: `systemctl --version` works without one, so it
 * proves nothing; `systemctl show` (the manager's own properties) needs it.
 */
async function checkSystemManager(runner: CommandRunner, tools: readonly string[]): Promise<DoctorCheck> {
  const result = await probe(runner, "systemctl", ["show", "--no-pager", "--property=Version,SystemState"]);
  const answered = !("error" in result) && result.exitCode === 0 ? properties(result.stdout) : undefined;
  if (answered?.get("Version")) {
    const state = answered.get("SystemState") ?? "unknown";
    return {
      name: "systemd",
      severity: "warning",
      ok: true,
      message: `system manager answers: systemd ${answered.get("Version")}, ${state}${state === "degraded" ? " (some units failed: see failed_services)" : ""}`,
      details: { version: answered.get("Version"), system_state: state },
    };
  }
  const reason = "error" in result ? result.error : firstLine(result.stderr) || firstLine(result.stdout) || `systemctl show exited ${result.exitCode}`;
  return {
    name: "systemd",
    severity: "warning",
    ok: false,
    message: `no systemd system manager answers (${reason}): ${toolList(tools)} will fail on this host`,
    hint: NO_MANAGER_HINT,
    details: { reason, unavailable_tools: tools },
  };
}

/** Whether the calling user's manager answers, when the policy lets a manager tool act in user scope. */
async function checkUserManager(runner: CommandRunner, policy: LoadedPolicy, managerTools: readonly string[]): Promise<DoctorCheck[]> {
  const tools = managerTools.filter((name) => {
    const scopes = policy.tools.get(name)?.allowedScopes;
    return scopes === undefined || scopes.includes("user");
  });
  if (tools.length === 0) return [];
  const result = await probe(runner, "systemctl", ["--user", "show", "--no-pager", "--property=Version"], "user");
  if (!("error" in result) && result.exitCode === 0 && properties(result.stdout).get("Version")) {
    return [{ name: "user_manager", severity: "warning", ok: true, message: 'user manager answers: scope "user" calls can run' }];
  }
  const reason = "error" in result ? result.error : firstLine(result.stderr) || `systemctl --user show exited ${result.exitCode}`;
  return [
    {
      name: "user_manager",
      severity: "warning",
      ok: false,
      message: `no user manager answers for mc's user (${reason}): scope "user" calls of ${toolList(tools)} will fail; system scope is unaffected`,
      hint: 'start a user manager that outlives logins (loginctl enable-linger USER), or set allowed_scopes = ["system"] for these tools in the policy',
      details: { reason, unavailable_tools: tools, scope: "user" },
    },
  ];
}

/**
 * Whether the journal can be read: journalctl exits 0 with no journal at all ("No journal files
 * were found."), and read_journal would then quietly return no entries.
 */
async function checkJournal(runner: CommandRunner, tools: readonly string[], uid: number | undefined): Promise<DoctorCheck[]> {
  // short-iso, not json: with no journal, json output is silent but short output says so.
  const result = await probe(runner, "journalctl", ["--no-pager", "-n", "1", "--output=short-iso"]);
  const hint =
    "read_journal reads journald's files: run mc where journald runs and keeps them (/run/log/journal or /var/log/journal), as root or in group systemd-journal or adm";
  if ("error" in result || result.exitCode !== 0) {
    const reason = "error" in result ? result.error : firstLine(result.stderr) || `journalctl exited ${result.exitCode}`;
    return [
      {
        name: "journal",
        severity: "warning",
        ok: false,
        message: `the journal cannot be read (${reason}): ${toolList(tools)} will fail`,
        hint,
        details: { reason, unavailable_tools: tools },
      },
    ];
  }
  if (!result.stdout.split("\n").some((line) => line.trim() !== "" && !line.startsWith("-- "))) {
    const reason = firstLine(result.stderr) || "journalctl found no entries: journald is not running or keeps no files here";
    return [
      {
        name: "journal",
        severity: "warning",
        ok: false,
        message: `the journal has no entries readable here (${reason}): ${toolList(tools)} will return nothing`,
        hint,
        details: { reason, unavailable_tools: tools },
      },
    ];
  }
  // Not root and not in systemd-journal/adm: journalctl shows only this user's entries, and says so.
  const partial = uid !== 0 && /not seeing messages from other users/i.test(result.stderr);
  return [
    partial
      ? {
          name: "journal",
          severity: "warning",
          ok: false,
          message: `the journal is readable, but only this user's entries: ${toolList(tools)} will not see the system's or other users' logs`,
          hint: "run mc as root, or add its user to the systemd-journal (or adm) group",
          details: { partial: true },
        }
      : { name: "journal", severity: "warning", ok: true, message: "the journal is readable" },
  ];
}

/** What the uid mc runs as allows. */
function checkPrivileges(uid: number | undefined, policy: LoadedPolicy, changingTools: readonly string[], managerTools: readonly string[]): DoctorCheck {
  if (uid === undefined || uid === 0) {
    return {
      name: "privileges",
      severity: "warning",
      ok: true,
      message: uid === 0 ? "running as root: every enabled tool may act" : "privileges unknown on this platform",
      details: { uid: uid ?? null },
    };
  }
  // A systemd action is refused only in system scope; a file tool writes only what this user may.
  const tools = changingTools.filter((name) => {
    if (!managerTools.includes(name)) return true;
    const scopes = policy.tools.get(name)?.allowedScopes;
    return scopes === undefined || scopes.includes("system");
  });
  const systemdTools = tools.filter((name) => managerTools.includes(name));
  const configTools = tools.filter((name) => !managerTools.includes(name));
  return {
    name: "privileges",
    severity: "warning",
    ok: tools.length === 0,
    message:
      tools.length === 0
        ? `running as uid ${uid}: no enabled tool needs root`
        : `running as uid ${uid}, not root: ${[
            systemdTools.length > 0 ? `${toolList(systemdTools)} will be refused in system scope (systemctl runs with --no-ask-password)` : "",
            configTools.length > 0 ? `${toolList(configTools)} can write only files this user may write` : "",
          ]
            .filter(Boolean)
            .join("; ")}`,
    ...(tools.length === 0
      ? {}
      : { hint: 'run mc as root (it is built to: argv only, no shell, every change approved), or disable these tools, or allow them only scope "user"' }),
    details: { uid, unavailable_tools: tools },
  };
}

/** How many of the newest audit events doctor verifies. */
const DOCTOR_AUDIT_EVENTS = 1000;

async function checkStateDir(stateDir: string): Promise<DoctorCheck> {
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await access(stateDir, constants.W_OK);
    return { name: "state_dir", severity: "error", ok: true, message: `state dir ${stateDir} is writable` };
  } catch (error) {
    return { name: "state_dir", severity: "error", ok: false, message: `state dir ${stateDir} is not writable: ${(error as Error).message}` };
  }
}

async function checkDatabase(inputs: DoctorInputs): Promise<DoctorCheck[]> {
  try {
    const store = await inputs.store();
    // The newest events only, so doctor stays fast however long the journal grows;
    // `mc audit verify` walks all of it.
    const verification = await store.verifyAudit({ lastEvents: DOCTOR_AUDIT_EVENTS });
    return [
      { name: "database", severity: "error", ok: true, message: `database ${redactUrl(inputs.paths.databaseUrl)} is open and migrated` },
      {
        name: "audit_chain",
        severity: "error",
        ok: verification.ok,
        message: verification.ok
          ? verification.checked < DOCTOR_AUDIT_EVENTS
            ? `audit chain intact (${verification.checked} events)`
            : `audit chain intact (newest ${verification.checked} events checked; \`mc audit verify\` checks them all)`
          : `audit chain broken: ${verification.problems.length} problem(s), first at event ${verification.problems[0]?.seq}: ${verification.problems[0]?.problem}`,
        details: { checked: verification.checked, problems: verification.problems.slice(0, 20) },
      },
    ];
  } catch (error) {
    return [
      {
        name: "database",
        severity: "error",
        ok: false,
        message: `database ${redactUrl(inputs.paths.databaseUrl)} cannot be opened: ${(error as Error).message}`,
      },
    ];
  }
}

/**
 * Which mode command validators run in (probed once per process through the runner). Unconfined
 * is a warning, not an error: mc still works, but a dry run of a command-validated target then
 * needs approval, since its validator would run as root.
 */
async function checkValidators(inputs: DoctorInputs): Promise<DoctorCheck> {
  const confinement = await validatorConfinement(inputs.runner);
  const commandTargets = inputs.policy.configTargets.filter((target) => target.validator === "command").map((target) => target.name);
  return {
    name: "validators",
    severity: "warning",
    ok: confinement.unapprovedContentAllowed,
    message: confinement.unapprovedContentAllowed
      ? `validators: ${confinement.description}`
      : `validators: unconfined — dry runs of command-validated targets need approval (${confinement.description})`,
    details: { mode: confinement.mode, uid: confinement.uid, wrapper: confinement.wrapper, commandTargets },
  };
}
