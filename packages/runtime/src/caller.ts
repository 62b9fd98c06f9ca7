/** Which surface a call came through; recorded in audit and approvals. */
export type CallerKind = "cli" | "mcp" | "embedded" | "http";

/** Who is calling. */
export interface Caller {
  kind: CallerKind;
  /** Client name: the MCP client's `clientInfo.name`, the embedding agent's name, or the OS user for the CLI. */
  name?: string;
}
