import { type Scope, TIMEOUTS, type ToolContext, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { runChecked, scopedArgs } from "./run-checked.js";
import { readUnitStatus } from "./unit-properties.js";

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
 * @throws ToolFailureError `unit_not_found`, `cannot_reload`, or when systemctl fails
 */
export async function runServiceAction(
  context: ToolContext,
  unit: string,
  scope: Scope,
  action: "reload" | "restart",
): Promise<ServiceActionResult> {
  const before = await readUnitStatus(context, unit, scope);
  if (before.load_state === "not-found") {
    throw new ToolFailureError(`Cannot ${action} ${unit}: no such unit in the ${scope} manager`, {
      data: { reason: "unit_not_found", unit, scope },
    });
  }
  if (action === "reload" && !before.can_reload) {
    throw new ToolFailureError(
      `Cannot reload ${unit}: the unit does not support reload (CanReload=no, no ExecReload=); restart it instead`,
      { data: { reason: "cannot_reload", unit, scope } },
    );
  }
  await runChecked(context, "systemctl", scopedArgs(scope, [action, unit, "--no-pager", "--no-ask-password"]), {
    timeoutMs: TIMEOUTS.action,
    scope,
    purpose: `${action} ${unit} (${scope} scope)`,
  });
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
 * @throws ToolFailureError `unit_not_found`, or when systemctl fails (with its stderr)
 */
export async function runUnitAction(
  context: ToolContext,
  unit: string,
  scope: Scope,
  action: UnitAction,
  now = false,
): Promise<UnitActionResult> {
  const withNow = now && (action === "enable" || action === "disable");
  const before = await readUnitStatus(context, unit, scope);
  if (before.load_state === "not-found") {
    throw new ToolFailureError(`Cannot ${action} ${unit}: no such unit in the ${scope} manager`, {
      data: { reason: "unit_not_found", unit, scope },
    });
  }
  const args = [action, ...(withNow ? ["--now"] : []), "--no-pager", "--no-ask-password", "--", unit];
  await runChecked(context, "systemctl", scopedArgs(scope, args), {
    timeoutMs: TIMEOUTS.action,
    scope,
    purpose: `${action}${withNow ? " --now" : ""} ${unit} (${scope} scope)`,
  });
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
