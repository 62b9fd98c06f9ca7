import { approvalIdSchema, approvalWaitSchema, defineTool } from "@mc/core";
import * as v from "valibot";
import { runUnitAction, unitActionOutputSchema } from "./service-action.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

/** `enable_service`: `systemctl [--user] enable [--now] UNIT`. */
export const enableServiceTool = defineTool({
  name: "enable_service",
  title: "Enable service",
  description:
    "Enables a unit (systemctl enable): it starts at boot / when its [Install] target is reached; with now=true it is also started. A unit without an [Install] section stays static. Returns the unit-file and active state before and after. " +
    "Needs a human approval unless the policy says otherwise.",
  needs: ["systemd_manager"],
  risk: "privileged",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({
    unit: unitNameSchema,
    scope: scopeSchema,
    now: v.optional(v.pipe(v.boolean("must be true or false"), v.description("Also start the unit (systemctl enable --now); default false.")), false),
    approval_id: approvalIdSchema,
    approval_wait_s: approvalWaitSchema,
  }),
  output: unitActionOutputSchema,
  run(input, context) {
    return runUnitAction(context, input.unit, input.scope, "enable", input.now);
  },
});
