import { defineTool } from "@mc/core";
import * as v from "valibot";
import { scopeSchema, unitNameSchema } from "./unit-name.js";
import { readUnitStatus } from "./unit-properties.js";

/** A unit's status as `service_status` reports it. */
export const unitStatusSchema = v.object({
  id: v.pipe(v.string(), v.description("The unit's primary name.")),
  load_state: v.pipe(v.string(), v.description("loaded, not-found, masked, error, …")),
  active_state: v.pipe(v.string(), v.description("active, inactive, failed, activating, reloading, …")),
  sub_state: v.pipe(v.string(), v.description("running, dead, exited, failed, …")),
  unit_file_state: v.pipe(v.string(), v.description("enabled, disabled, static, …; empty without a unit file.")),
  description: v.pipe(v.string(), v.description("The unit's description.")),
  fragment_path: v.pipe(v.string(), v.description("Path of the unit file; empty without one.")),
  can_reload: v.pipe(v.boolean(), v.description("Whether reload_service can reload it.")),
  main_pid: v.pipe(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))), v.description("Main process id, or null.")),
});

/** Output of `service_status`. */
export const serviceStatusOutputSchema = v.object({
  scope: v.picklist(["system", "user"]),
  ...unitStatusSchema.entries,
});

/** `service_status`: one unit's state from `systemctl [--user] show`. */
export const serviceStatusTool = defineTool({
  name: "service_status",
  title: "Service status",
  description:
    "State of one systemd unit: load, active and sub state, unit-file state, description, unit file path, " +
    "whether it can reload, and its main PID. A unit that does not exist is reported with load_state " +
    "'not-found'. scope 'user' asks the calling user's manager (systemctl --user).",
  needs: ["systemd_manager"],
  risk: "read_only",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({ unit: unitNameSchema, scope: scopeSchema }),
  output: serviceStatusOutputSchema,
  async run(input, context) {
    return { scope: input.scope, ...(await readUnitStatus(context, input.unit, input.scope)) };
  },
});
