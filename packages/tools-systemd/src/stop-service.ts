import { approvalIdSchema, approvalWaitSchema, defineTool } from "@mc/core";
import * as v from "valibot";
import { runUnitAction, unitActionOutputSchema } from "./service-action.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

/** `stop_service`: `systemctl [--user] stop UNIT`. */
export const stopServiceTool = defineTool({
  name: "stop_service",
  title: "Stop service",
  description:
    "Stops a unit (systemctl stop); its clients lose the service until it is started again. Returns the unit's state before and after. " +
    "Needs a human approval unless the policy says otherwise.",
  needs: ["systemd_manager"],
  risk: "privileged",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({ unit: unitNameSchema, scope: scopeSchema, approval_id: approvalIdSchema, approval_wait_s: approvalWaitSchema }),
  output: unitActionOutputSchema,
  run(input, context) {
    return runUnitAction(context, input.unit, input.scope, "stop");
  },
});
