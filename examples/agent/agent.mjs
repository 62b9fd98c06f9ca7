#!/usr/bin/env node
// @ts-check
// A small agent loop that embeds the mc runtime instead of talking MCP: list the tools, look at a
// service, restart it, and when the policy asks for a human approval, print the command the
// operator runs and wait until they have run it.
//
//   node agent.mjs [unit]          (default unit: mc-reload.service)
//
// Paths come from MC_STATE_DIR / MC_POLICY_PATH / MC_DB_URL like every mc surface, so
// `mc approvals approve ID` in another terminal (with the same variables) reaches this agent.
import { createRuntime } from "@mc/runtime";

const unit = process.argv[2] ?? "mc-reload.service";
const pollMs = Number(process.env.AGENT_POLL_MS ?? 500);
const waitMs = Number(process.env.AGENT_WAIT_MS ?? 120_000);

/** @type {import("@mc/runtime").Caller} */
const caller = { kind: "embedded", name: "example-agent" };

const runtime = createRuntime({
  // Tests point the tools into the project's systemd container; a real agent leaves this out.
  ...(process.env.MC_COMMAND_PREFIX ? { commandPrefix: JSON.parse(process.env.MC_COMMAND_PREFIX) } : {}),
});

// Events: every call (allowed, denied or failed) and every new approval request.
runtime.on("call", ({ tool, result }) => console.log(`[event] call ${tool} -> ${result.status}`));
runtime.on("approval_requested", ({ tool, approval_id: id, expires_at: expiresAt }) =>
  console.log(`[event] approval requested ${id} for ${tool} (expires ${expiresAt})`),
);

/**
 * Runs a tool; when it needs approval, asks the human and repeats the call with approval_id.
 * @param {string} name - tool name
 * @param {Record<string, unknown>} args - its arguments
 * @returns {Promise<import("@mc/runtime").ToolCallResult>} the final result
 */
async function call(name, args) {
  const result = await runtime.call(name, args, { caller });
  if (result.status !== "approval_required") return result;
  console.log(`${name} needs a human approval. Please run on this host:`);
  console.log(`  ${result.approve_with}`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const approval = await runtime.approvals.get(result.approval_id);
    if (approval?.status === "approved") break;
    if (approval === undefined || approval.status !== "pending") {
      return {
        status: "denied",
        tool: name,
        code: "approval_" + (approval?.status ?? "missing"),
        reason: `approval ${result.approval_id} is ${approval?.status ?? "gone"}`,
        durationMs: 0,
      };
    }
    if (Date.now() > deadline) throw new Error(`no decision on ${result.approval_id} within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  console.log(`approved: repeating ${name} with approval_id ${result.approval_id}`);
  return runtime.call(name, { ...args, approval_id: result.approval_id }, { caller });
}

try {
  console.log("tools:");
  for (const tool of runtime.listTools()) {
    console.log(`  ${tool.name} (${tool.risk}${tool.enabled ? "" : ", disabled"}${tool.requiresConfirmation ? ", needs approval" : ""})`);
  }

  const before = await call("service_status", { unit });
  if (before.status !== "ok") throw new Error(`service_status failed: ${JSON.stringify(before)}`);
  console.log(`${unit}: ${before.output.active_state}/${before.output.sub_state}, main pid ${before.output.main_pid}`);

  const restart = await call("restart_service", { unit });
  if (restart.status !== "ok") {
    console.log(`restart_service did not run: ${restart.status === "denied" ? restart.reason : restart.status === "error" ? restart.message : restart.status}`);
    process.exitCode = 1;
  } else {
    console.log(`restarted ${unit}: main pid ${restart.output.previous_main_pid} -> ${restart.output.main_pid}, now ${restart.output.active_state}`);
  }
} finally {
  await runtime.close();
}
