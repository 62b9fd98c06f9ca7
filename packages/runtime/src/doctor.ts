import { access, constants, mkdir } from "node:fs/promises";
import { TIMEOUTS, validatorConfinement, type CommandRunner } from "@mc/core";
import type { LoadedPolicy } from "@mc/policy";
import type { ApprovalStore } from "@mc/approvals";
import type { RuntimePaths } from "./runtime-paths.js";

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
  toolCount: number;
}

/**
 * Checks what mc needs to work: a policy that loads, a writable state dir, the database and its
 * audit chain, and the commands the systemd tools run.
 * @param inputs - runtime parts to check
 * @returns every check with a message; ok only when all passed
 */
export async function runDoctor(inputs: DoctorInputs): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const { diagnostics } = inputs.policy;
  checks.push({
    name: "policy",
    severity: "error",
    ok: diagnostics.ok,
    message: diagnostics.ok
      ? diagnostics.source === "file"
        ? `policy ${diagnostics.path} loaded${diagnostics.warnings.length ? ` with ${diagnostics.warnings.length} warning(s)` : ""}`
        : `no policy file at ${diagnostics.path}: safe defaults apply`
      : `policy ${diagnostics.path} does not load, every tool is denied: ${diagnostics.errors.map((error) => error.message).join("; ")}`,
    details: { source: diagnostics.source, path: diagnostics.path, errors: diagnostics.errors, warnings: diagnostics.warnings },
  });

  // The command probes spawn processes: start them now, alongside the state dir and database checks.
  const probes = Promise.all(
    (
      [
        ["systemctl", ["--version"]],
        ["journalctl", ["--version"]],
      ] as const
    ).map(([program, args]) => probeCommand(inputs.runner, program, args)),
  );
  checks.push(await checkStateDir(inputs.paths.stateDir), ...(await checkDatabase(inputs)), ...(await probes), await checkValidators(inputs));
  checks.push({ name: "tools", severity: "error", ok: inputs.toolCount > 0, message: `${inputs.toolCount} tools registered` });
  return { ok: checks.every((check) => check.ok || check.severity === "warning"), checks, paths: { ...inputs.paths, databaseUrl: redactUrl(inputs.paths.databaseUrl) } };
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
    return [{ name: "database", severity: "error", ok: false, message: `database ${redactUrl(inputs.paths.databaseUrl)} cannot be opened: ${(error as Error).message}` }];
  }
}

async function probeCommand(runner: CommandRunner, program: string, args: readonly string[]): Promise<DoctorCheck> {
  try {
    const result = await runner.run(program, [...args], { timeoutMs: TIMEOUTS.query });
    const version = result.stdout.split("\n")[0]?.trim() ?? "";
    return {
      name: program,
      severity: "warning",
      ok: result.exitCode === 0,
      message: result.exitCode === 0 ? `${program}: ${version}` : `${program} --version exited ${result.exitCode}: ${result.stderr.trim()}`,
    };
  } catch (error) {
    return { name: program, severity: "warning", ok: false, message: `${program} is not usable: ${(error as Error).message}` };
  }
}

/** Hides credentials in a libSQL URL (`authToken=`, `user:pass@`). */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@").replace(/(authToken=)[^&]+/i, "$1***");
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
