import type { ServerCapabilities } from "@modelcontextprotocol/server";

/**
 * What mc's MCP server offers, as it says in `initialize`. One definition for the SDK's server
 * (create-mcp-server.ts) and the early answer to `initialize` (early-initialize.ts), so the two
 * cannot drift apart; a fresh object on every call, because the SDK keeps and merges what it is
 * given.
 * @returns the server capabilities
 */
export function serverCapabilities(): ServerCapabilities {
  // logging: the client sets a level (logging/setLevel) and gets notices of approvals and slow calls.
  return { tools: { listChanged: false }, logging: {} };
}

/** The instructions mc's MCP server gives the model in `initialize`. */
export const SERVER_INSTRUCTIONS =
  "mc reads facts from this Linux host and makes a few bounded changes under an operator's policy. " +
  "Calls that change the host may return status approval_required: ask a human to run the printed " +
  "`mc approvals approve ID` command, then repeat the same call with that approval_id.";
