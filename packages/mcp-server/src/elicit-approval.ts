import type { McpServer } from "@modelcontextprotocol/server";
import type { RiskLevel } from "@mc/core";
import type { ApprovalRequired, Runtime } from "@mc/runtime";
import { clientLabel } from "./client-label.js";

/** Who asks, and for what risk. */
export interface ElicitationContext {
  /** The tool's risk level, shown in the prompt (the runtime decides whether the prompt may approve it). */
  risk: RiskLevel;
  /** `clientInfo.name` as the client declared it (untrusted). */
  clientName: string | undefined;
}

/**
 * Asks the human at the MCP client to approve a pending request, through the client's
 * elicitation prompt. Used only when the runtime says the policy lets elicitation approve the
 * tool (`[approvals] allow_elicitation` lists its risk level) and the client declared the
 * elicitation capability; the runtime checks that again when it records the approval. The prompt
 * is the client application's: mc cannot tell a human's answer from the application's own, so an
 * approval here trusts that application, and is recorded as `elicitation via <client name>`.
 * Any other answer, an error, or a client that cannot elicit leaves the request pending: the
 * out-of-band path (`mc approvals approve`) stays.
 * @param server - the connected server
 * @param runtime - the runtime that records the decision (as one audit event, method `elicitation`)
 * @param pending - the approval-required result
 * @param context - the tool's risk and the client's name
 * @returns true when the client answered "approve"
 */
export async function elicitApproval(server: McpServer, runtime: Runtime, pending: ApprovalRequired, context: ElicitationContext): Promise<boolean> {
  if (!runtime.approvals.allows(pending.tool, "elicitation")) return false;
  if (server.server.getClientCapabilities()?.elicitation === undefined) return false;
  try {
    const answer = await server.server.elicitInput({
      mode: "form",
      message: `${pending.message}\n\nApprove ${pending.tool} (${context.risk}) now? (approval ${pending.approval_id}, expires ${pending.expires_at})`,
      requestedSchema: {
        type: "object",
        properties: {
          decision: { type: "string", title: "Decision", enum: ["approve", "leave pending"], description: `Approve ${pending.tool} as the human operator` },
        },
        required: ["decision"],
      },
    });
    if (answer.action !== "accept" || answer.content?.decision !== "approve") return false;
    await runtime.approvals.approve(pending.approval_id, {
      by: `elicitation via ${clientLabel(context.clientName)}`,
      method: "elicitation",
      ...(context.clientName === undefined ? {} : { clientName: clientLabel(context.clientName) }),
      note: "approved in the MCP client's elicitation prompt (the policy trusts that client application for this risk level)",
    });
    return true;
  } catch {
    // A client that fails or refuses to elicit: fail closed to the out-of-band approval.
    return false;
  }
}
