import { approvalIdSchema, approvalWaitSchema, defineTool } from "@mc/core";
import * as v from "valibot";
import { runServiceAction, serviceActionOutputSchema } from "./service-action.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

/** `restart_service`: `systemctl [--user] restart UNIT`. */
export const restartServiceTool = defineTool({
  name: "restart_service",
  title: "Restart service",
  description:
    "Stops and starts a unit (systemctl restart); its clients see an interruption. Returns the unit's state " +
    "after the restart with its new and previous main PID. Needs a human approval unless the policy says otherwise.",
  needs: ["systemd_manager"],
  risk: "privileged",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({ unit: unitNameSchema, scope: scopeSchema, approval_id: approvalIdSchema, approval_wait_s: approvalWaitSchema }),
  output: serviceActionOutputSchema,
  run(input, context) {
    return runServiceAction(context, input.unit, input.scope, "restart");
  },
});
