/** The surfaces a call can come through. */
export const CALLER_KINDS = ["cli", "mcp", "embedded", "http"] as const;

/** Which surface a call came through: the CLI, an MCP client, an embedding program, or HTTP. Recorded in audit and approvals. */
export type CallerKind = (typeof CALLER_KINDS)[number];
