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
