import { approvalIdSchema, approvalWaitSchema, defineTool } from "@mc/core";
import * as v from "valibot";
import { runUnitAction, unitActionOutputSchema } from "./service-action.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

/** `disable_service`: `systemctl [--user] disable [--now] UNIT`. */
export const disableServiceTool = defineTool({
  name: "disable_service",
  title: "Disable service",
  description:
    "Disables a unit (systemctl disable): it no longer starts at boot; with now=true it is also stopped. Returns the unit-file and active state before and after. " +
    "Needs a human approval unless the policy says otherwise.",
  needs: ["systemd_manager"],
  risk: "privileged",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({
    unit: unitNameSchema,
    scope: scopeSchema,
    now: v.optional(v.pipe(v.boolean("must be true or false"), v.description("Also stop the unit (systemctl disable --now); default false.")), false),
    approval_id: approvalIdSchema,
    approval_wait_s: approvalWaitSchema,
  }),
  output: unitActionOutputSchema,
  run(input, context) {
    return runUnitAction(context, input.unit, input.scope, "disable", input.now);
  },
});
