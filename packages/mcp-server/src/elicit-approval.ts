import type { McpServer } from "@modelcontextprotocol/server";
import type { ApprovalRequired, Runtime } from "@mc/runtime";

/**
 * Asks the human at the MCP client to approve a pending request, through the client's
 * elicitation prompt. Used only when the policy allows it (`[approvals] allow_elicitation`) and
 * the client declared the elicitation capability. Any other answer, an error, or a client that
 * cannot elicit leaves the request pending: the out-of-band path (`mc approvals approve`) stays.
 * @param server - the connected server
 * @param runtime - the runtime whose store records the decision
 * @param pending - the approval-required result
 * @param clientName - the client's name, recorded as the approver
 * @returns true when the human approved it in the client
 */
export async function elicitApproval(server: McpServer, runtime: Runtime, pending: ApprovalRequired, clientName: string): Promise<boolean> {
  if (!runtime.policy().approvals.allowElicitation) return false;
  if (server.server.getClientCapabilities()?.elicitation === undefined) return false;
  try {
    const answer = await server.server.elicitInput({
      mode: "form",
      message: `${pending.message}\n\nApprove ${pending.tool} now? (approval ${pending.approval_id}, expires ${pending.expires_at})`,
      requestedSchema: {
        type: "object",
        properties: {
          decision: { type: "string", title: "Decision", enum: ["approve", "leave pending"], description: `Approve ${pending.tool} as the human operator` },
        },
        required: ["decision"],
      },
    });
    if (answer.action !== "accept" || answer.content?.decision !== "approve") return false;
    const store = await runtime.store();
    await store.approve(pending.approval_id, { approver: `${clientName} (MCP elicitation)`, note: "approved in the client's elicitation prompt" });
    return true;
  } catch {
    // A client that fails or refuses to elicit: fail closed to the out-of-band approval.
    return false;
  }
}
