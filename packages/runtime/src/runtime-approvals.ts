import { DeniedError, type RiskLevel } from "@mc/core";
import type { LoadedPolicy } from "@mc/policy";
import type { ApprovalListOptions, ApprovalRecord, ApprovalStore } from "@mc/approvals";
import type { ApprovalPreview } from "./approval-preview.js";
import type { CallerKind } from "./caller.js";

/**
 * How a human's decision reached mc: `cli` (`mc approvals approve|reject`), `terminal` (`mc tool
 * --yes` at an interactive terminal), `elicitation` (an MCP client's prompt, only for the risk
 * levels `[approvals] allow_elicitation` lists), `http` (an HTTP surface's operator), `embedded`
 * (the embedding program's own operator UI). Recorded in the decision's audit event.
 */
export type ApprovalMethod = "cli" | "terminal" | "elicitation" | "http" | "embedded";

/** Every approval method. */
export const APPROVAL_METHODS = ["cli", "terminal", "elicitation", "http", "embedded"] as const satisfies readonly ApprovalMethod[];

/** A human's decision on one request. */
export interface ApprovalDecisionInput {
  /** Who decides (the operator's user name, `elicitation via <client>`, …); recorded as the approver. */
  by: string;
  /** How the decision was made. */
  method: ApprovalMethod;
  /** Why; shown by `mc approvals show` and recorded in the audit event. */
  note?: string;
  /** The client whose prompt carried the decision (elicitation), when known. */
  clientName?: string;
}

/**
 * The approval queue as surfaces see it: read it, and decide requests. Every decision is one
 * audit event in the chain, written in the same transaction as the change; there is no other way
 * to approve a request through a runtime.
 */
export interface RuntimeApprovals {
  /**
   * Approvals, newest first.
   * @param options - state filter and limit (default 100)
   * @returns the approvals
   */
  list(options?: ApprovalListOptions): Promise<ApprovalRecord[]>;
  /**
   * One approval.
   * @param id - the approval id
   * @returns it, or undefined when unknown
   */
  get(id: string): Promise<ApprovalRecord | undefined>;
  /**
   * One approval with what its call would change — a config write's unified diff against the
   * file as it is now, a restore's diff to the backup — for the human deciding on it. Read-only.
   * @param id - the approval id
   * @returns the approval with its diff (or why there is none), or undefined when unknown
   */
  preview(id: string): Promise<ApprovalPreview | undefined>;
  /**
   * `pending → approved`, audited with the approver and the method.
   * @param id - the approval id
   * @param decision - who approves, how, and why
   * @returns the approved approval
   * @throws McError: `denied` when the method may not approve this request (elicitation for a risk
   *   level the policy does not list), or the store's ApprovalError (code `approval_not_found`,
   *   `approval_expired`, `approval_state` or `store_failed`)
   */
  approve(id: string, decision: ApprovalDecisionInput): Promise<ApprovalRecord>;
  /**
   * `pending → rejected`, audited with who rejected and the method.
   * @param id - the approval id
   * @param decision - who rejects, how, and why
   * @returns the rejected approval
   * @throws McError: the store's ApprovalError (code `approval_not_found`, `approval_expired`,
   *   `approval_state` or `store_failed`)
   */
  reject(id: string, decision: ApprovalDecisionInput): Promise<ApprovalRecord>;
  /**
   * Whether the current policy lets a method approve a tool's requests (elicitation: only the
   * risk levels `[approvals] allow_elicitation` lists). A surface asks before prompting anyone.
   * @param tool - the tool name
   * @param method - how the approval would be given
   * @returns true when `approve` would accept that method for that tool
   */
  allows(tool: string, method: ApprovalMethod): boolean;
}

/** What the approvals API needs from its runtime. */
export interface RuntimeApprovalsInputs {
  /** The store, opened on first use. */
  store: () => Promise<ApprovalStore>;
  /** The policy in force now. */
  policy: () => LoadedPolicy;
  /** A registered tool's risk level, or undefined for an unknown tool. */
  riskOf: (tool: string) => RiskLevel | undefined;
  /** The diff a queued call would make (its tool's `preview`). */
  preview: (approval: ApprovalRecord) => Promise<ApprovalPreview>;
}

const SURFACE: Record<ApprovalMethod, CallerKind> = { cli: "cli", terminal: "cli", elicitation: "mcp", http: "http", embedded: "embedded" };

function via(method: ApprovalMethod, verdict: "approve" | "reject"): string {
  switch (method) {
    case "cli":
      return `mc approvals ${verdict} (method cli)`;
    case "terminal":
      return "mc tool --yes at a terminal (method terminal)";
    case "elicitation":
      return "the MCP client's elicitation prompt (method elicitation)";
    case "http":
      return "the HTTP surface (method http)";
    case "embedded":
      return "the embedding program (method embedded)";
  }
}

/**
 * Builds the approvals API of a runtime.
 * @param inputs - store, policy and tool risks
 * @returns the approvals API
 */
export function createRuntimeApprovals(inputs: RuntimeApprovalsInputs): RuntimeApprovals {
  function allows(tool: string, method: ApprovalMethod): boolean {
    if (!(APPROVAL_METHODS as readonly string[]).includes(method)) return false;
    if (method !== "elicitation") return true;
    const risk = inputs.riskOf(tool);
    return risk !== undefined && inputs.policy().approvals.elicitationRiskLevels.includes(risk);
  }

  function source(decision: ApprovalDecisionInput, verdict: "approve" | "reject") {
    if (!(APPROVAL_METHODS as readonly string[]).includes(decision.method)) {
      throw new DeniedError("approval_invalid", `Unknown approval method ${JSON.stringify(decision.method)}; one of ${APPROVAL_METHODS.join(", ")}`);
    }
    return {
      via: via(decision.method, verdict),
      caller: SURFACE[decision.method],
      clientName: decision.clientName ?? null,
      ...(decision.note === undefined || decision.note === "" ? {} : { note: decision.note }),
    };
  }

  return {
    allows,
    list: async (options = {}) => (await inputs.store()).list(options),
    get: async (id) => (await inputs.store()).get(id),
    async preview(id) {
      const approval = await (await inputs.store()).get(id);
      return approval === undefined ? undefined : inputs.preview(approval);
    },
    async approve(id, decision) {
      const store = await inputs.store();
      const recorded = source(decision, "approve");
      if (decision.method === "elicitation") {
        const approval = await store.get(id);
        if (approval !== undefined && !allows(approval.tool, "elicitation")) {
          const risk = inputs.riskOf(approval.tool) ?? "unknown";
          throw new DeniedError(
            "approval_invalid",
            `${approval.tool} (${risk}) may not be approved through a client's elicitation prompt: [approvals] allow_elicitation does not list ${risk}; approve it with mc approvals approve ${id}`,
          );
        }
      }
      return store.approve(id, { approver: decision.by, ...recorded });
    },
    async reject(id, decision) {
      return (await inputs.store()).reject(id, { by: decision.by, ...source(decision, "reject") });
    },
  };
}
