import type { CallerKind } from "@mc/core";

export type { CallerKind };

/** Who is calling. */
export interface Caller {
  kind: CallerKind;
  /** Client name: the MCP client's `clientInfo.name`, the embedding agent's name, or the OS user for the CLI. */
  name?: string;
}
