import { approvalIdSchema, approvalWaitSchema, defineTool } from "@mc/core";
import * as v from "valibot";
import { runServiceAction, serviceActionOutputSchema } from "./service-action.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

/** `reload_service`: `systemctl [--user] reload UNIT`, refused for a unit that cannot reload. */
export const reloadServiceTool = defineTool({
  name: "reload_service",
  title: "Reload service",
  description:
    "Reloads a unit's configuration without stopping it (systemctl reload). Refused, before anything runs, " +
    "when the unit does not support reload (CanReload=no): use restart_service then. Returns the unit's state " +
    "after the reload. Needs a human approval unless the policy says otherwise.",
  needs: ["systemd_manager"],
  risk: "mutating_safe",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({ unit: unitNameSchema, scope: scopeSchema, approval_id: approvalIdSchema, approval_wait_s: approvalWaitSchema }),
  output: serviceActionOutputSchema,
  run(input, context) {
    return runServiceAction(context, input.unit, input.scope, "reload");
  },
});
