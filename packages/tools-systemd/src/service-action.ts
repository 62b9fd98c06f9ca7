import { CommandTimeoutError, McError, type Scope, TIMEOUTS, type ToolContext, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { runChecked, scopedArgs } from "./run-checked.js";
import { readUnitStatus } from "./unit-properties.js";

/**
 * How long each action waits for systemd's job when the policy sets no `timeout_s`, in ms.
 * systemd itself gives a unit 90 s to start and 90 s to stop (DefaultTimeoutStartSec=,
 * DefaultTimeoutStopSec=; a reload runs under the start timeout): mc waits 10 s longer than
 * systemd would, and a restart is a stop then a start.
 */
export const ACTION_TIMEOUTS_MS = {
  reload: 100_000,
  restart: 190_000,
  start: 100_000,
  stop: 100_000,
  enable: 100_000,
  disable: 100_000,
} as const;

/** A systemd job still queued or running for a unit (`systemctl list-jobs`). */
export interface PendingJob {
  /** The job's id in the manager. */
  id: number;
  /** start, stop, restart, reload, … */
  type: string;
  /** waiting or running. */
  state: string;
}

/**
 * Runs a systemctl action that waits for its job, within the call's time limit. When the limit
 * passes, systemctl is killed but the job goes on inside systemd (it cannot be called back):
 * the error says so, with the job and the unit's state, so nobody reads a timeout as "nothing
 * happened" and spends another approval on a restart that is still under way.
 * @param context - tool context (its timeoutMs is the policy's timeout_s)
 * @param unit - validated unit name
 * @param scope - system or user manager
 * @param action - what is done, for the default time limit and the messages
 * @param args - systemctl's arguments (without --user)
 * @param purpose - what the command does, for error messages
 * @throws McError `timeout` with `job_running`, the jobs and the unit's state; ToolFailureError when systemctl fails
 */
async function runJob(
  context: ToolContext,
  unit: string,
  scope: Scope,
  action: keyof typeof ACTION_TIMEOUTS_MS,
  args: readonly string[],
  purpose: string,
): Promise<void> {
  const timeoutMs = context.timeoutMs ?? ACTION_TIMEOUTS_MS[action];
  try {
    await runChecked(context, "systemctl", scopedArgs(scope, args), { timeoutMs, scope, purpose });
  } catch (error) {
    if (!CommandTimeoutError.isInstance(error)) throw error;
    // Best effort: the manager may be too busy to answer either; the timeout is the news.
    const [jobs, status] = await Promise.all([
      pendingJobs(context, unit, scope).catch(() => undefined),
      readUnitStatus(context, unit, scope).catch(() => undefined),
    ]);
    const seconds = timeoutMs / 1000;
    const state = status ? ` (the unit is ${status.active_state}/${status.sub_state})` : "";
    const running =
      jobs === undefined
        ? `whether systemd is still running it could not be read${state}`
        : jobs.length > 0
          ? `systemd is still running its ${jobs.map((job) => `${job.type} job ${job.id} (${job.state})`).join(", ")}${state}: check service_status before trying again`
          : `systemd has no job left for it${state}: check service_status`;
    throw new McError(
      "timeout",
      `${purpose} did not finish within ${seconds} s and systemctl was stopped; ${running}. A unit that needs longer needs a larger timeout_s in the policy.`,
      {
        data: {
          reason: "timeout",
          unit,
          scope,
          action,
          timeout_s: seconds,
          job_running: jobs === undefined ? null : jobs.length > 0,
          jobs: jobs ?? null,
          active_state: status?.active_state ?? null,
          sub_state: status?.sub_state ?? null,
        },
        cause: error,
      },
    );
  }
}

/**
 * The jobs systemd has queued or running for one unit.
 * @param context - tool context
 * @param unit - validated unit name
 * @param scope - system or user manager
 * @returns the unit's jobs (none when it has none)
 */
async function pendingJobs(context: ToolContext, unit: string, scope: Scope): Promise<PendingJob[]> {
  const result = await runChecked(context, "systemctl", scopedArgs(scope, ["list-jobs", "--no-legend", "--no-pager", "--plain", "--", unit]), {
    timeoutMs: TIMEOUTS.query,
    scope,
    purpose: `list the jobs of ${unit} (${scope} scope)`,
  });
  return result.stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 4 && fields[1] === unit && /^\d+$/.test(fields[0] ?? ""))
    .map(([id, , type, state]) => ({ id: Number(id), type: type ?? "", state: state ?? "" }));
}

/** What reload_service and restart_service report: the unit's state after the action. */
export const serviceActionOutputSchema = v.object({
  unit: v.pipe(v.string(), v.description("The unit acted on.")),
  scope: v.picklist(["system", "user"]),
  action: v.pipe(v.picklist(["reload", "restart"]), v.description("What was done.")),
  active_state: v.pipe(v.string(), v.description("Active state after the action.")),
  sub_state: v.pipe(v.string(), v.description("Sub state after the action.")),
  main_pid: v.pipe(v.nullable(v.number()), v.description("Main PID after the action, or null.")),
  previous_main_pid: v.pipe(v.nullable(v.number()), v.description("Main PID before the action, or null.")),
});

/** Result of a reload or restart. */
export type ServiceActionResult = v.InferOutput<typeof serviceActionOutputSchema>;

/**
 * Reloads or restarts a unit with `systemctl [--user] ACTION UNIT --no-pager --no-ask-password`,
 * after checking the unit exists (and, for reload, that it supports reload).
 * @param context - tool context
 * @param unit - validated unit name
 * @param scope - system or user manager
 * @param action - reload or restart
 * @returns the unit's state after the action and its main PID before
 * @throws ToolFailureError `unit_not_found`, `cannot_reload`, or when systemctl fails; McError
 *   `timeout` when the job outlasts the call's time limit (it may still be running)
 */
export async function runServiceAction(context: ToolContext, unit: string, scope: Scope, action: "reload" | "restart"): Promise<ServiceActionResult> {
  const before = await readUnitStatus(context, unit, scope);
  if (before.load_state === "not-found") {
    throw new ToolFailureError(`Cannot ${action} ${unit}: no such unit in the ${scope} manager`, {
      data: { reason: "unit_not_found", unit, scope },
    });
  }
  if (action === "reload" && !before.can_reload) {
    throw new ToolFailureError(`Cannot reload ${unit}: the unit does not support reload (CanReload=no, no ExecReload=); restart it instead`, {
      data: { reason: "cannot_reload", unit, scope },
    });
  }
  await runJob(context, unit, scope, action, [action, unit, "--no-pager", "--no-ask-password"], `${action} ${unit} (${scope} scope)`);
  const after = await readUnitStatus(context, unit, scope);
  return {
    unit,
    scope,
    action,
    active_state: after.active_state,
    sub_state: after.sub_state,
    main_pid: after.main_pid,
    previous_main_pid: before.main_pid,
  };
}

/** Actions of start_service, stop_service, enable_service and disable_service. */
export const UNIT_ACTIONS = ["start", "stop", "enable", "disable"] as const;

/** One of {@link UNIT_ACTIONS}. */
export type UnitAction = (typeof UNIT_ACTIONS)[number];

/** What start_service, stop_service, enable_service and disable_service report. */
export const unitActionOutputSchema = v.object({
  unit: v.pipe(v.string(), v.description("The unit acted on.")),
  scope: v.picklist(["system", "user"]),
  action: v.pipe(v.picklist(UNIT_ACTIONS), v.description("What was done.")),
  now: v.pipe(v.boolean(), v.description("enable/disable only: whether the unit was also started/stopped (--now); false otherwise.")),
  active_state: v.pipe(v.string(), v.description("Active state after the action: active, inactive, failed, …")),
  sub_state: v.pipe(v.string(), v.description("Sub state after the action: running, dead, exited, …")),
  unit_file_state: v.pipe(v.string(), v.description("Unit-file state after the action: enabled, disabled, static, …")),
  main_pid: v.pipe(v.nullable(v.number()), v.description("Main PID after the action, or null.")),
  previous_active_state: v.pipe(v.string(), v.description("Active state before the action.")),
  previous_unit_file_state: v.pipe(v.string(), v.description("Unit-file state before the action.")),
});

/** Result of a start, stop, enable or disable. */
export type UnitActionResult = v.InferOutput<typeof unitActionOutputSchema>;

/**
 * Starts, stops, enables or disables a unit with
 * `systemctl [--user] ACTION [--now] UNIT --no-pager --no-ask-password`, after checking that the
 * unit exists, and reports its state before and after.
 * @param context - tool context
 * @param unit - validated unit name
 * @param scope - system or user manager
 * @param action - start, stop, enable or disable
 * @param now - enable/disable only: also start/stop the unit
 * @returns the unit's state after the action and the states before it
 * @throws ToolFailureError `unit_not_found`, or when systemctl fails (with its stderr); McError
 *   `timeout` when the job outlasts the call's time limit (it may still be running)
 */
export async function runUnitAction(context: ToolContext, unit: string, scope: Scope, action: UnitAction, now = false): Promise<UnitActionResult> {
  const withNow = now && (action === "enable" || action === "disable");
  const before = await readUnitStatus(context, unit, scope);
  if (before.load_state === "not-found") {
    throw new ToolFailureError(`Cannot ${action} ${unit}: no such unit in the ${scope} manager`, {
      data: { reason: "unit_not_found", unit, scope },
    });
  }
  const args = [action, ...(withNow ? ["--now"] : []), "--no-pager", "--no-ask-password", "--", unit];
  await runJob(context, unit, scope, action, args, `${action}${withNow ? " --now" : ""} ${unit} (${scope} scope)`);
  const after = await readUnitStatus(context, unit, scope);
  return {
    unit,
    scope,
    action,
    now: withNow,
    active_state: after.active_state,
    sub_state: after.sub_state,
    unit_file_state: after.unit_file_state,
    main_pid: after.main_pid,
    previous_active_state: before.active_state,
    previous_unit_file_state: before.unit_file_state,
  };
}
