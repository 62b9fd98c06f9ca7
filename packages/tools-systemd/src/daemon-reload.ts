import { approvalIdSchema, approvalWaitSchema, defineTool, TIMEOUTS } from "@mc/core";
import * as v from "valibot";
import { runChecked, scopedArgs } from "./run-checked.js";
import { scopeSchema } from "./unit-name.js";

/** Output of `daemon_reload`. */
export const daemonReloadOutputSchema = v.object({
  scope: v.picklist(["system", "user"]),
  action: v.literal("daemon_reload"),
  reloaded: v.pipe(v.literal(true), v.description("The manager re-read its unit files.")),
});

/** `daemon_reload`: `systemctl [--user] daemon-reload`, after unit files changed. */
export const daemonReloadTool = defineTool({
  name: "daemon_reload",
  title: "Reload systemd manager",
  description:
    "Makes the systemd manager re-read every unit file (systemctl daemon-reload), as needed after a unit file " +
    "was written (write_config_file says so). Running services are not restarted. scope 'user' reloads the " +
    "calling user's manager. Needs a human approval unless the policy says otherwise.",
  needs: ["systemd_manager"],
  risk: "privileged",
  // The policy judges the scope this call acts in (allowed_scopes); it names no unit.
  policySubject: (input) => ({ scope: input.scope }),
  input: v.strictObject({ scope: scopeSchema, approval_id: approvalIdSchema, approval_wait_s: approvalWaitSchema }),
  output: daemonReloadOutputSchema,
  async run(input, context) {
    await runChecked(context, "systemctl", scopedArgs(input.scope, ["daemon-reload", "--no-ask-password"]), {
      // The policy's timeout_s, else a fixed 10 s: a manager that takes longer to reload is stuck.
      timeoutMs: context.timeoutMs ?? TIMEOUTS.action,
      scope: input.scope,
      purpose: `reload the ${input.scope} manager (daemon-reload)`,
    });
    return { scope: input.scope, action: "daemon_reload" as const, reloaded: true as const };
  },
});
