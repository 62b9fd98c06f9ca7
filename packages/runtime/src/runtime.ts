import {
  createCommandRunner,
  McError,
  parseToolInput,
  riskAnnotations,
  schemaToJson,
  type CommandRunner,
  type RiskAnnotations,
  type RiskLevel,
  type ToolDefinition,
} from "@mc/core";
import { createPolicySource, decide, type LoadedPolicy, type PolicySource } from "@mc/policy";
import type { ApprovalStore, AuditDecision } from "@mc/approvals";
import { EventEmitter } from "node:events";
import * as v from "valibot";
import type { ApprovalRequired, CallErrorCode, ToolCallResult } from "./call-result.js";
import type { Caller } from "./caller.js";
import { runDoctor, type DoctorReport } from "./doctor.js";
import { resolveRuntimePaths, type RuntimePathOptions, type RuntimePaths } from "./runtime-paths.js";
import { builtinTools, indexTools, type RegisteredTool, type ToolSource } from "./tool-registry.js";

/** How to build a runtime. Every setting is optional; paths fall back to `MC_*` variables, then defaults. */
export interface RuntimeOptions extends RuntimePathOptions {
  /** Tools to offer, bare or with their source package. Default: every built-in tool. */
  tools?: readonly (ToolDefinition | RegisteredTool)[];
  /** argv put before every command the tools run (e.g. a container harness's exec script). */
  commandPrefix?: readonly string[];
  /** Environment to read `MC_*` settings from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Options of one call. */
export interface RunToolOptions {
  /** Who is calling: recorded in audit and approvals. */
  caller: Caller;
  /**
   * An operator approving this very call (CLI `--yes` at a terminal). Recorded as the approver;
   * never set it from anything an agent controls.
   */
  approvedBy?: string;
  /** Aborts a running command. */
  signal?: AbortSignal;
}

/** A tool as listed to callers. */
export interface ToolInfo {
  name: string;
  title: string;
  description: string;
  risk: RiskLevel;
  annotations: RiskAnnotations;
  /** JSON Schema of the arguments. */
  inputSchema: Record<string, unknown>;
  /** JSON Schema of a successful result. */
  outputSchema: Record<string, unknown>;
  /** Whether the current policy lets it run at all (it may still need approval). */
  enabled: boolean;
  /** Whether the current policy asks for approval before every call. */
  requiresConfirmation: boolean;
  /** The definition itself (valibot schemas), for surfaces that register tools. */
  definition: ToolDefinition;
  /** The package and version that define it, when known (its schemas are that package's contract). */
  source?: ToolSource;
}

/** Events a runtime emits for embedders. */
export interface RuntimeEvents {
  /** After every call, with its audit record. */
  call: [event: { tool: string; caller: Caller; result: ToolCallResult }];
  /** When a call created a new pending approval. */
  approval_requested: [event: ApprovalRequired & { tool: string; caller: Caller }];
}

/** The composed runtime: policy, approvals, audit and tools behind one object. */
export interface Runtime {
  /** Resolved state dir, policy path and database URL. */
  readonly paths: RuntimePaths;
  /** Every registered tool with its schemas and what the current policy says of it. */
  listTools(): ToolInfo[];
  /**
   * Runs one tool call through the whole pipeline: validate input → policy decision → approval
   * (if needed) → run → validate output → audit. Never throws for an expected outcome.
   * @param name - tool name
   * @param args - untrusted arguments (an `approval_id` among them names an approved request)
   * @param options - caller and, for an operator at a terminal, the approver
   * @returns ok / denied / approval_required / error
   */
  runTool(name: string, args: unknown, options: RunToolOptions): Promise<ToolCallResult>;
  /** Checks policy, state dir, database, audit chain and the systemd tools' commands. */
  doctor(): Promise<DoctorReport>;
  /** The policy in force now (re-read when its file changed). */
  policy(): LoadedPolicy;
  /** The approval and audit store (opened on first use). */
  store(): Promise<ApprovalStore>;
  /** Subscribe to runtime events. */
  on<K extends keyof RuntimeEvents>(event: K, listener: (...args: RuntimeEvents[K]) => void): () => void;
  /** Closes the database. */
  close(): Promise<void>;
}

/**
 * Creates a runtime. Cheap: the database opens on first use, the policy on first read.
 * @param options - paths, tools and command prefix
 * @returns the runtime
 * @example
 * const runtime = createRuntime();
 * const result = await runtime.runTool("service_status", { unit: "nginx.service" }, { caller: { kind: "embedded", name: "my-agent" } });
 * await runtime.close();
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const env = options.env ?? process.env;
  const paths = resolveRuntimePaths(options, env);
  const registry = indexTools(options.tools ?? builtinTools());
  const tools = new Map([...registry].map(([name, entry]) => [name, entry.definition]));
  const descriptors = [...tools.values()].map((tool) => ({ name: tool.name, risk: tool.risk }));
  const policySource: PolicySource = createPolicySource({ path: paths.policyPath, stateDir: paths.stateDir, tools: descriptors });
  const runner: CommandRunner = createCommandRunner({ prefix: options.commandPrefix ?? [], sourceEnv: env });
  const events = new EventEmitter();
  let storePromise: Promise<ApprovalStore> | undefined;
  let jsonSchemas: Map<string, { input: Record<string, unknown>; output: Record<string, unknown> }> | undefined;

  function store(): Promise<ApprovalStore> {
    storePromise ??= (async () => {
      // The database driver (libSQL + drizzle, ~170 ms to import) loads only when first needed:
      // `mc tools` and an MCP initialize never touch it.
      const { openStore } = await import("@mc/approvals");
      const opened = await openStore(paths.databasePath !== undefined ? { path: paths.databasePath } : { url: paths.databaseUrl });
      // A process that died mid-execution left its approval in `executing`: mark it failed,
      // never re-run it.
      await opened.recoverInterrupted();
      return opened;
    })();
    storePromise.catch(() => {
      storePromise = undefined;
    });
    return storePromise;
  }

  function schemasOf(tool: ToolDefinition) {
    jsonSchemas ??= new Map();
    let schemas = jsonSchemas.get(tool.name);
    if (schemas === undefined) {
      schemas = { input: schemaToJson(tool.input) as Record<string, unknown>, output: schemaToJson(tool.output) as Record<string, unknown> };
      jsonSchemas.set(tool.name, schemas);
    }
    return schemas;
  }

  function listTools(): ToolInfo[] {
    const policy = policySource.current();
    return [...tools.values()].map((tool) => {
      const decision = decide(policy, { tool: { name: tool.name, risk: tool.risk } });
      const schemas = schemasOf(tool);
      return {
        name: tool.name,
        title: tool.title,
        description: tool.description,
        risk: tool.risk,
        annotations: riskAnnotations(tool.risk),
        inputSchema: schemas.input,
        outputSchema: schemas.output,
        enabled: decision.allowed || (decision.code !== "tool_disabled" && decision.code !== "policy_load_error"),
        requiresConfirmation: decision.allowed ? decision.requiresConfirmation : tool.risk !== "read_only",
        definition: tool,
        ...(registry.get(tool.name)?.source ? { source: registry.get(tool.name)?.source } : {}),
      };
    });
  }

  async function runTool(name: string, args: unknown, runOptions: RunToolOptions): Promise<ToolCallResult> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
    const tool = tools.get(name);
    const rawArgs = isPlainObject(args) ? args : args === undefined || args === null ? {} : args;
    const { approvalId, rest: callArgs } = splitApprovalId(rawArgs);

    let result: ToolCallResult;
    let auditArgs: unknown = callArgs;
    // Set by the steps below (inside closures, so typed with `as` to stop narrowing to "error").
    let decisionLabel = "error" as AuditDecision;
    let reason = "";
    let usedApprovalId: string | undefined = approvalId;
    let db: ApprovalStore;
    try {
      db = await store();
    } catch (error) {
      // Fail closed: without the audit journal and approvals nothing runs.
      return {
        status: "error",
        tool: name,
        code: "internal_error",
        message: `The approval and audit database could not be opened (${paths.databaseUrl}): ${errorMessage(error)}`,
        durationMs: elapsed(),
      };
    }

    try {
      if (tool === undefined) {
        result = errorResult(name, "unknown_tool", `Unknown tool ${JSON.stringify(name)}. Known tools: ${[...tools.keys()].join(", ")}`, elapsed());
        reason = result.message;
      } else {
        result = await (async (): Promise<ToolCallResult> => {
          let input: Record<string, unknown>;
          try {
            input = parseToolInput(tool.name, tool.input, callArgs) as Record<string, unknown>;
          } catch (error) {
            if (McError.isInstance(error)) return errorResult(tool.name, "input_invalid", error.message, elapsed(), { ...error.data });
            throw error;
          }
          auditArgs = input;
          const policy = policySource.current();
          const decision = decide(policy, {
            tool: { name: tool.name, risk: tool.risk },
            scope: typeof input.scope === "string" ? input.scope : undefined,
            unit: typeof input.unit === "string" ? input.unit : undefined,
          });
          if (!decision.allowed) {
            decisionLabel = "denied";
            reason = decision.reason;
            return { status: "denied", tool: tool.name, code: decision.code, reason: decision.reason, durationMs: elapsed() };
          }
          const needsApproval = decision.requiresConfirmation && !(tool.confirmationExempt?.(input) ?? false);
          if (!needsApproval) {
            decisionLabel = "allowed";
            reason = "allowed by policy";
            return execute(tool, input, undefined);
          }
          const ttlMs = policy.approvals.expiryMinutes * 60_000;
          const requester = { caller: runOptions.caller.kind, clientName: runOptions.caller.name ?? null };
          let claimId = approvalId;
          if (claimId === undefined && runOptions.approvedBy !== undefined) {
            // An operator at the terminal approves this very call: record them as approver.
            const requested = await db.requestApproval({ tool: tool.name, arguments: input, requester, ttlMs });
            // An identical request may already be approved (by someone else): then it is claimed as it is.
            if (requested.approval.status === "pending") {
              await db.approve(requested.approval.id, { approver: runOptions.approvedBy, note: "approved at the terminal (--yes)" });
            }
            claimId = requested.approval.id;
          }
          if (claimId === undefined) {
            const requested = await db.requestApproval({ tool: tool.name, arguments: input, requester, ttlMs });
            decisionLabel = "approval_required";
            usedApprovalId = requested.approval.id;
            reason = "confirmation required: waiting for a human approval";
            const pending: ApprovalRequired = {
              status: "approval_required",
              approval_id: requested.approval.id,
              tool: tool.name,
              expires_at: requested.approval.expiresAt,
              approve_with: `mc approvals approve ${requested.approval.id}`,
              message: `${tool.name} needs a human approval. Ask an operator to run \`mc approvals approve ${requested.approval.id}\` on the host, then repeat this call with approval_id "${requested.approval.id}".`,
            };
            if (requested.created) emit("approval_requested", { ...pending, tool: tool.name, caller: runOptions.caller });
            return { ...pending, durationMs: elapsed() };
          }
          usedApprovalId = claimId;
          const claim = await db.claim({ id: claimId, tool: tool.name, arguments: input });
          if (!claim.claimed) {
            decisionLabel = "denied";
            reason = claim.message;
            return { status: "denied", tool: tool.name, code: "approval_invalid", reason: claim.message, durationMs: elapsed() };
          }
          decisionLabel = "allowed";
          reason = `approved by ${claim.approval.decidedBy ?? "an operator"}`;
          let outcome: ToolCallResult | undefined;
          try {
            outcome = await execute(tool, input, claimId);
            return outcome;
          } finally {
            // Whatever happened above (a typed error, a TypeError, EACCES), the claimed approval
            // ends completed or failed, never stuck in executing.
            await db.finalize(claimId, outcome?.status === "ok" ? { ok: true } : { ok: false, error: outcome?.status === "error" ? outcome.message : "the tool threw before returning" });
          }
        })();
      }
    } catch (error) {
      result = errorResult(name, "internal_error", `Internal error while running ${name}: ${errorMessage(error)}`, elapsed());
      reason = result.message;
    }

    async function execute(definition: ToolDefinition, input: Record<string, unknown>, claimedId: string | undefined): Promise<ToolCallResult> {
      const policy = policySource.current();
      try {
        const output = await definition.run(input, { runner, stateDir: paths.stateDir, configTargets: policy.configTargets, signal: runOptions.signal });
        const checked = v.safeParse(definition.output, output);
        if (!checked.success) {
          const summary = checked.issues.map((issue) => `${(issue.path ?? []).map((item) => String(item.key)).join(".")}: ${issue.message}`).join("; ");
          return errorResult(definition.name, "output_invalid", `${definition.name} produced output that does not match its schema: ${summary}`, elapsed(), undefined, claimedId);
        }
        return { status: "ok", tool: definition.name, output: checked.output as Record<string, unknown>, ...(claimedId ? { approvalId: claimedId } : {}), durationMs: elapsed() };
      } catch (error) {
        if (McError.isInstance(error)) {
          const code: CallErrorCode = error.code === "timeout" ? "timeout" : error.code === "input_invalid" ? "input_invalid" : "tool_failed";
          if (error.code === "denied") {
            return { status: "denied", tool: definition.name, code: String(error.data.denial ?? "denied"), reason: error.message, durationMs: elapsed() };
          }
          return errorResult(definition.name, code, error.message, elapsed(), { ...error.data }, claimedId);
        }
        return errorResult(definition.name, "tool_failed", `${definition.name} failed: ${errorMessage(error)}`, elapsed(), undefined, claimedId);
      }
    }

    if (result.status === "error" && decisionLabel === "allowed") reason = result.message;
    if (result.status === "denied") decisionLabel = "denied";
    try {
      await db.appendAudit({
        caller: runOptions.caller.kind,
        clientName: runOptions.caller.name ?? null,
        tool: name,
        arguments: isPlainObject(auditArgs) ? auditArgs : { value: auditArgs },
        decision: decisionLabel,
        reason: result.status === "denied" ? result.reason : result.status === "error" ? result.message : reason,
        approvalId: usedApprovalId ?? null,
        durationMs: result.durationMs,
        outcome: result.status === "ok" ? "ok" : result.status === "denied" ? "denied" : result.status === "approval_required" ? "pending" : decisionLabel === "allowed" ? "failed" : "error",
        error: result.status === "error" ? result.message : null,
      });
    } catch (error) {
      // Losing an audit record silently is not an option: the caller learns of it.
      result = errorResult(name, "internal_error", `The call finished (${result.status}) but its audit event could not be written: ${errorMessage(error)}`, elapsed());
    }
    emit("call", { tool: name, caller: runOptions.caller, result });
    return result;
  }

  /** Listeners are the embedder's code: one that throws must not turn a finished call into an error. */
  function emit<K extends keyof RuntimeEvents>(event: K, ...args: RuntimeEvents[K]): void {
    for (const listener of events.listeners(event)) {
      try {
        (listener as (...values: RuntimeEvents[K]) => void)(...args);
      } catch {
        // Ignored on purpose; see above.
      }
    }
  }

  return {
    paths,
    listTools,
    runTool,
    doctor: () => runDoctor({ paths, policy: policySource.current(), runner, store, toolCount: tools.size }),
    policy: () => policySource.current(),
    store,
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return () => events.off(event, listener as (...args: unknown[]) => void);
    },
    async close() {
      const pending = storePromise;
      storePromise = undefined;
      if (pending) (await pending.catch(() => undefined))?.close();
    },
  };
}

function errorResult(tool: string, code: CallErrorCode, message: string, durationMs: number, data?: Record<string, unknown>, approvalId?: string): Extract<ToolCallResult, { status: "error" }> {
  return { status: "error", tool, code, message, ...(data ? { data } : {}), ...(approvalId ? { approvalId } : {}), durationMs };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Takes `approval_id` out of the arguments: it names an approval, it is not a tool argument. */
function splitApprovalId(args: unknown): { approvalId: string | undefined; rest: unknown } {
  if (!isPlainObject(args) || !("approval_id" in args)) return { approvalId: undefined, rest: args };
  const { approval_id: approvalId, ...rest } = args;
  if (approvalId === undefined) return { approvalId: undefined, rest };
  // Anything but a well-formed id stays in the arguments, so input validation names it.
  if (typeof approvalId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(approvalId)) return { approvalId: undefined, rest: args };
  return { approvalId, rest };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
