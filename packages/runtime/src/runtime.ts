import {
  createCommandRunner,
  approvalWaitSchema,
  DeniedError,
  formatIssues,
  isApprovalId,
  McError,
  parseToolInput,
  riskAnnotations,
  schemaToJson,
  type CommandRunner,
  type RiskAnnotations,
  type RiskLevel,
  type ToolContext,
  type ToolDefinition,
} from "@mc/core";
import { createPolicySource, decide, toolStatus, type LoadedPolicy, type PolicySource } from "@mc/policy";
import type { ApprovalStore, AuditEventInput, ClaimResult, StartedEvent } from "@mc/approvals";
import { EventEmitter } from "node:events";
import * as v from "valibot";
import { previewApproval } from "./approval-preview.js";
import { expiredResult, rejectedResult, standingRejection } from "./approval-decision-result.js";
import { splitApprovalWait, waitForDecision, type ApprovalWaitProgress } from "./approval-wait.js";
import { approveCommand } from "./approve-command.js";
import { auditableValue } from "./auditable-value.js";
import type { ApprovalRequired, CallErrorCode, ToolCallResult } from "./call-result.js";
import type { Caller } from "./caller.js";
import type { BuiltinTools } from "./builtin-tools.js";
import { runDoctor, type DoctorReport } from "./doctor.js";
import { inMemoryDatabaseReason } from "./in-memory-database.js";
import { createRuntimeApprovals, type RuntimeApprovals } from "./runtime-approvals.js";
import type { RuntimeAudit } from "./runtime-audit.js";
import { createRuntimeBackups, type RuntimeBackups } from "./runtime-backups.js";
import { redactDatabaseUrl, resolveRuntimePaths, type RuntimePathOptions, type RuntimePaths } from "./runtime-paths.js";
import type { ToolArguments, ToolMap, ToolOutput } from "./tool-types.js";
import { builtinTools, indexTools, type RegisteredTool, type ToolSource } from "./tool-registry.js";
import { toolTimeout } from "./tool-timeout.js";

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
   * An operator approving this very call (CLI `--yes` at a terminal). Recorded as the approver,
   * with method `terminal`, through the same audited decision as `approvals.approve`; never set
   * it from anything an agent controls.
   */
  approvedBy?: string;
  /** Aborts a running command, and ends a wait for approval (`approval_wait_s`). */
  signal?: AbortSignal;
  /**
   * Told while the call waits for a human (`approval_wait_s`): when the wait starts and every
   * few seconds. Its errors are ignored.
   */
  onApprovalWait?: (progress: ApprovalWaitProgress) => void;
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
  /** Whether the current policy asks for approval before every call (a dry run may be exempt). */
  requiresConfirmation: boolean;
  /** Why, in words: the policy's confirmation rule and restrictions, or why the tool is disabled. */
  policyReason: string;
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

/**
 * The composed runtime: policy, approvals, audit and tools behind one object — the only way in
 * for every surface (CLI, MCP, HTTP, embedders). It hands out no store: approvals are decided
 * through `approvals`, each decision one audit event.
 * @typeParam Tools - the tools by name, for typed `runTool` calls (default: the built-in tools)
 */
export interface Runtime<Tools extends ToolMap = BuiltinTools> {
  /** Resolved state dir, policy path and database URL. */
  readonly paths: RuntimePaths;
  /** Every registered tool with its schemas and what the current policy says of it. */
  listTools(): ToolInfo[];
  /**
   * Runs one tool call through the whole pipeline: validate input → policy decision → approval
   * (if needed) → run → validate output → audit. Never throws for an expected outcome. Typed:
   * the name must be a tool of the map, the arguments its input, the output its output type.
   * @param name - tool name
   * @param args - the tool's arguments (an `approval_id` among them names an approved request)
   * @param options - caller and, for an operator at a terminal, the approver
   * @returns ok / denied / approval_required / error
   */
  runTool<N extends keyof Tools & string>(name: N, args: ToolArguments<Tools[N]>, options: RunToolOptions): Promise<ToolCallResult<ToolOutput<Tools[N]>>>;
  /**
   * `runTool` for untrusted names and arguments (an MCP request, a command line): everything is
   * checked at run time, exactly as `runTool` does.
   * @param name - tool name, as given
   * @param args - untrusted arguments
   * @param options - caller and, for an operator at a terminal, the approver
   * @returns ok / denied / approval_required / error
   */
  call(name: string, args: unknown, options: RunToolOptions): Promise<ToolCallResult>;
  /** Checks policy, state dir, database, audit chain and the systemd tools' commands. */
  doctor(): Promise<DoctorReport>;
  /** The policy in force now (re-read when its file changed). */
  policy(): LoadedPolicy;
  /** The approval queue: list, show, and decide (every decision audited with approver and method). */
  readonly approvals: RuntimeApprovals;
  /** The audit journal: list and verify. */
  readonly audit: RuntimeAudit;
  /** Backups of managed config files. */
  readonly backups: RuntimeBackups;
  /** Subscribe to runtime events. */
  on<K extends keyof RuntimeEvents>(event: K, listener: (...args: RuntimeEvents[K]) => void): () => void;
  /** Closes the database. */
  close(): Promise<void>;
}

/**
 * Creates a runtime. Cheap: the database opens on first use, the policy on first read.
 * @typeParam Tools - the tools by name, when `options.tools` is not the built-in set (e.g.
 *   `createRuntime<{ echo_text: typeof echoTool }>({ tools: [echoTool] })`)
 * @param options - paths, tools and command prefix
 * @returns the runtime
 * @example
 * const runtime = createRuntime();
 * const result = await runtime.runTool("service_status", { unit: "nginx.service" }, { caller: { kind: "embedded", name: "my-agent" } });
 * await runtime.close();
 */
export function createRuntime<Tools extends ToolMap = BuiltinTools>(options: RuntimeOptions = {}): Runtime<Tools> {
  const env = options.env ?? process.env;
  const paths = resolveRuntimePaths(options, env);
  const registry = indexTools(options.tools ?? builtinTools());
  const tools = new Map([...registry].map(([name, entry]) => [name, entry.definition]));
  const descriptors = [...tools.values()].map((tool) => ({ name: tool.name, risk: tool.risk }));
  const policySource: PolicySource = createPolicySource({
    path: paths.policyPath,
    stateDir: paths.stateDir,
    tools: descriptors,
    explicit: paths.policyExplicit,
  });
  const runner: CommandRunner = createCommandRunner({ prefix: options.commandPrefix ?? [], sourceEnv: env });
  const events = new EventEmitter();
  let storePromise: Promise<ApprovalStore> | undefined;
  let jsonSchemas: Map<string, { input: Record<string, unknown>; output: Record<string, unknown> }> | undefined;
  const approvals = createRuntimeApprovals({
    store,
    policy: () => policySource.current(),
    riskOf: (name) => tools.get(name)?.risk,
    preview: (approval) => {
      const current = policySource.current();
      return previewApproval(approval, tools.get(approval.tool), {
        runner,
        stateDir: paths.stateDir,
        configTargets: current.configTargets,
        logTargets: current.logTargets,
      });
    },
  });

  function store(): Promise<ApprovalStore> {
    storePromise ??= (async () => {
      // The database driver (libSQL + drizzle, ~170 ms to import) loads only when first needed:
      // `mc tools` and an MCP initialize never touch it.
      // Fail closed: a database that does not persist would take the audit with it.
      const inMemory = inMemoryDatabaseReason(paths.databaseUrl);
      if (inMemory !== undefined) throw new Error(inMemory);
      const { openStore } = await import("@mc/approvals");
      // Every approval and event is recorded as this host's (MC_HOST_ID); in a fleet store it
      // claims and runs only its own approvals.
      const opened = await openStore({
        ...(paths.databasePath !== undefined ? { path: paths.databasePath } : { url: paths.databaseUrl }),
        hostId: paths.hostId,
      });
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
      // The same function the call's decision starts from: a listing and a call cannot disagree.
      const status = toolStatus(policy, { name: tool.name, risk: tool.risk });
      return {
        name: tool.name,
        title: tool.title,
        description: tool.description,
        risk: tool.risk,
        annotations: riskAnnotations(tool.risk),
        // Converted from valibot when first read (then kept): `mc tools` and `mc tool NAME` read
        // none or one of them, and converting all 25 tools' schemas cost a one-shot ~5 ms.
        // Enumerable getters, so spreading or serializing a ToolInfo still includes them.
        get inputSchema() {
          return schemasOf(tool).input;
        },
        get outputSchema() {
          return schemasOf(tool).output;
        },
        enabled: status.enabled,
        requiresConfirmation: status.requiresConfirmation,
        policyReason: status.reason,
        definition: tool,
        ...(registry.get(tool.name)?.source ? { source: registry.get(tool.name)?.source } : {}),
      };
    });
  }

  async function call(name: string, args: unknown, runOptions: RunToolOptions): Promise<ToolCallResult> {
    // process.hrtime, not the global `performance`: on Node 20 its first use loads perf_hooks (~1.2 ms of a one-shot mc tool).
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    let db: ApprovalStore;
    try {
      db = await store();
    } catch (error) {
      // Fail closed: without the audit journal and approvals nothing runs.
      return errorResult(
        name,
        "internal_error",
        `The approval and audit database could not be opened (${redactDatabaseUrl(paths.databaseUrl)}): ${errorMessage(error)}`,
        elapsed(),
      );
    }

    let verdict: Verdict;
    try {
      verdict = await evaluate(db, name, args, runOptions, elapsed);
    } catch (error) {
      verdict = { result: errorResult(name, "internal_error", `Internal error while running ${name}: ${errorMessage(error)}`, elapsed()), auditArgs: args };
    }
    let { result } = verdict;
    // An approved action's final event was stored with its approval's final state (finalize).
    if (verdict.audited !== true) {
      try {
        await db.appendAudit(auditEvent(name, runOptions.caller, verdict));
      } catch (error) {
        // Losing an audit record silently is not an option: the caller learns of it.
        const finished = result.status === "error" ? `error: ${result.message}` : result.status;
        result = errorResult(
          name,
          "internal_error",
          `The call finished (${finished}) but its audit event could not be written: ${errorMessage(error)}`,
          elapsed(),
        );
      }
    }
    emit("call", { tool: name, caller: runOptions.caller, result });
    if (verdict.waitFor !== undefined && (result.status === "approval_required" || result.status === "denied")) {
      return waitThenRun(db, name, args, runOptions, verdict.waitFor, result, elapsed);
    }
    return result;
  }

  /**
   * A call with `approval_wait_s` whose request is pending stays open: it runs (as the same call
   * with `approval_id`, audited as such) as soon as a human approves, and returns at once on a
   * rejection (with the note) or expiry; when the wait runs out or the caller cancels, the
   * pending answer stands.
   */
  async function waitThenRun(
    db: ApprovalStore,
    name: string,
    args: unknown,
    runOptions: RunToolOptions,
    waitFor: { id: string; waitS: number },
    pending: ToolCallResult,
    elapsed: () => number,
  ): Promise<ToolCallResult> {
    const outcome = await waitForDecision({
      get: (id) => db.get(id),
      id: waitFor.id,
      tool: name,
      waitS: waitFor.waitS,
      approveWith: approveCommand(waitFor.id, paths, env),
      ...(runOptions.signal ? { signal: runOptions.signal } : {}),
      ...(runOptions.onApprovalWait ? { onProgress: runOptions.onApprovalWait } : {}),
    });
    switch (outcome.kind) {
      case "approved": {
        const { rest } = splitApprovalWait(args);
        return call(name, { ...(rest as Record<string, unknown>), approval_id: waitFor.id }, runOptions);
      }
      case "rejected":
        return rejectedResult(name, outcome.approval, elapsed());
      case "expired":
        return expiredResult(name, outcome.approval, elapsed());
      default:
        return { ...pending, durationMs: elapsed() };
    }
  }

  /** Steps 1–7 of a call (see docs/architecture.md); never audits, never throws on purpose. */
  async function evaluate(db: ApprovalStore, name: string, args: unknown, runOptions: RunToolOptions, elapsed: () => number): Promise<Verdict> {
    const { waitS: givenWait, rest: withoutWait } = splitApprovalWait(args ?? {});
    const { approvalId: givenApprovalId, rest: callArgs } = splitApprovalId(withoutWait);
    const tool = tools.get(name);
    if (tool === undefined) {
      return {
        result: errorResult(name, "unknown_tool", `Unknown tool ${JSON.stringify(name)}. Known tools: ${[...tools.keys()].join(", ")}`, elapsed()),
        auditArgs: callArgs,
      };
    }
    // A malformed approval_id is refused, never ignored: ignoring it would queue a new request
    // for a call its client believes approved.
    if (givenApprovalId !== undefined && !isApprovalId(givenApprovalId)) {
      const problem = "must be an approval id: apr_ and 16 lowercase base32 characters, as `mc approvals list` shows";
      return {
        result: errorResult(tool.name, "input_invalid", `Invalid arguments for ${tool.name}: approval_id ${problem}`, elapsed(), {
          issues: [{ path: "approval_id", message: problem }],
        }),
        auditArgs: args,
      };
    }
    const approvalId = givenApprovalId;
    const waited = v.safeParse(approvalWaitSchema, givenWait);
    if (!waited.success) {
      const problem = waited.issues[0].message;
      return {
        result: errorResult(tool.name, "input_invalid", `Invalid arguments for ${tool.name}: approval_wait_s ${problem}`, elapsed(), {
          issues: [{ path: "approval_wait_s", message: problem }],
        }),
        auditArgs: args,
      };
    }
    const waitS = waited.output ?? 0;
    const shape = argumentsShapeProblem(callArgs);
    if (shape !== undefined) {
      const message = `Invalid arguments for ${tool.name}: ${shape}`;
      return { result: errorResult(tool.name, "input_invalid", message, elapsed(), { issues: [{ path: "", message: shape }] }), auditArgs: callArgs };
    }
    let input: Record<string, unknown>;
    try {
      input = parseToolInput(tool.name, tool.input, callArgs) as Record<string, unknown>;
    } catch (error) {
      if (!McError.isInstance(error)) throw error;
      return { result: errorResult(tool.name, "input_invalid", error.message, elapsed(), { ...error.data }), auditArgs: callArgs };
    }
    const policy = policySource.current();
    const decision = decide(policy, { tool: { name: tool.name, risk: tool.risk }, ...policySubjectOf(tool, input) });
    if (!decision.allowed) {
      return { result: { status: "denied", tool: tool.name, code: decision.code, reason: decision.reason, durationMs: elapsed() }, auditArgs: input };
    }
    // The run gets the policy that decided the call: one look at the policy file per call.
    const execute = (claimedId?: string) => executeTool(tool, input, policy, claimedId, runOptions.signal, elapsed);
    const context: ToolContext = {
      runner,
      stateDir: paths.stateDir,
      configTargets: policy.configTargets,
      logTargets: policy.logTargets,
      ...toolTimeout(policy, tool.name),
      ...(runOptions.signal ? { signal: runOptions.signal } : {}),
    };
    if (!decision.requiresConfirmation || (await confirmationExempt(tool, input, context))) {
      // An action (anything not read-only) is recorded as started, durably, before it starts;
      // a read-only call keeps one event.
      if (tool.risk !== "read_only") {
        try {
          await db.appendAudit({ ...startedEvent(tool.name, runOptions.caller, input), reason: "allowed by policy" });
        } catch (error) {
          return {
            result: errorResult(
              tool.name,
              "internal_error",
              `${tool.name} did not run: its started audit event could not be written: ${errorMessage(error)}`,
              elapsed(),
            ),
            auditArgs: input,
          };
        }
      }
      return { result: await execute(), auditArgs: input, allowedBecause: "allowed by policy" };
    }

    const ttlMs = policy.approvals.expiryMinutes * 60_000;
    const requester = { caller: runOptions.caller.kind, clientName: runOptions.caller.name ?? null };
    let claimId = approvalId;
    if (claimId === undefined) {
      // A request that can never succeed (invalid content) is an input error now, not an approval.
      const refused = await checkBeforeQueueing(tool, input, context, elapsed);
      if (refused !== undefined) return { result: refused, auditArgs: input };
      // A human's rejection answers the identical call for the request's lifetime: the agent
      // gets the note instead of a new pending request (an operator's --yes decides anew).
      if (runOptions.approvedBy === undefined) {
        const { requestHash } = await import("@mc/approvals");
        const rejected = await standingRejection(db, tool.name, requestHash(tool.name, input), Date.now());
        if (rejected !== undefined) return { result: rejectedResult(tool.name, rejected, elapsed()), auditArgs: input, approvalId: rejected.id };
      }
      const requested = await db.requestApproval({ tool: tool.name, arguments: input, requester, ttlMs });
      const { id, status, expiresAt } = requested.approval;
      if (runOptions.approvedBy === undefined) {
        const pending: ApprovalRequired = {
          status: "approval_required",
          approval_id: id,
          tool: tool.name,
          expires_at: expiresAt,
          approve_with: approveCommand(id, paths, env),
          message: `${tool.name} needs a human approval. Ask an operator to run \`${approveCommand(id, paths, env)}\` on the host, then repeat this call with approval_id "${id}".`,
        };
        if (requested.created) emit("approval_requested", { ...pending, caller: runOptions.caller });
        return { result: { ...pending, durationMs: elapsed() }, auditArgs: input, approvalId: id, ...(waitS > 0 ? { waitFor: { id, waitS } } : {}) };
      }
      // An operator at the terminal approves this very call and is recorded as approver. An
      // identical request someone already approved is claimed as it is.
      if (status === "pending") {
        await approvals.approve(id, {
          by: runOptions.approvedBy,
          method: "terminal",
          note: "approved at the terminal (--yes)",
          ...(runOptions.caller.name === undefined ? {} : { clientName: runOptions.caller.name }),
        });
      }
      claimId = id;
    }

    // The claim and the call's durable `started` event are one transaction: if the event cannot
    // be written (a full disk), nothing is claimed and nothing runs.
    let claim: ClaimResult;
    try {
      claim = await db.claim({ id: claimId, tool: tool.name, arguments: input, started: startedEvent(tool.name, runOptions.caller, input) });
    } catch (error) {
      const message = `${tool.name} did not run: its started audit event could not be written, so approval ${claimId} was not claimed (it stays approved): ${errorMessage(error)}`;
      return { result: errorResult(tool.name, "internal_error", message, elapsed()), auditArgs: input, approvalId: claimId };
    }
    if (!claim.claimed) {
      if (claim.refusal === "rejected" || claim.refusal === "not_approved") {
        const current = await db.get(claimId);
        const { requestHash } = await import("@mc/approvals");
        // The rejection's note goes only to the call that was rejected (same tool and arguments).
        if (current !== undefined && current.requestHash === requestHash(tool.name, input)) {
          if (current.status === "rejected") return { result: rejectedResult(tool.name, current, elapsed()), auditArgs: input, approvalId: claimId };
          if (current.status === "pending" && waitS > 0) {
            return {
              result: { status: "denied", tool: tool.name, code: "approval_invalid", reason: claim.message, durationMs: elapsed() },
              auditArgs: input,
              approvalId: claimId,
              waitFor: { id: claimId, waitS },
            };
          }
        }
      }
      return {
        result: { status: "denied", tool: tool.name, code: "approval_invalid", reason: claim.message, durationMs: elapsed() },
        auditArgs: input,
        approvalId: claimId,
      };
    }
    let outcome: ToolCallResult;
    try {
      outcome = await execute(claimId);
    } catch (error) {
      // executeTool does not throw; should it ever, the claimed approval still ends below.
      outcome = errorResult(tool.name, "tool_failed", `${tool.name} failed: ${errorMessage(error)}`, elapsed(), undefined, claimId);
    }
    const ran: Verdict = { result: outcome, auditArgs: input, approvalId: claimId, allowedBecause: `approved by ${claim.approval.decidedBy ?? "an operator"}` };
    try {
      // The approval ends completed or failed together with the call's final event.
      await db.finalize(
        claimId,
        outcome.status === "ok" ? { ok: true } : { ok: false, error: failureText(outcome) },
        auditEvent(tool.name, runOptions.caller, ran),
      );
      return { ...ran, audited: true };
    } catch (error) {
      // The action's real outcome stays the result; its final event (appended by runTool) says
      // the approval could not be finalized (recovery will fail it as interrupted later).
      return { ...ran, finalizeError: errorMessage(error) };
    }
  }

  /** Runs a tool whose call is allowed, and checks its output against its schema. Never throws. */
  async function executeTool(
    definition: ToolDefinition,
    input: Record<string, unknown>,
    current: LoadedPolicy,
    claimedId: string | undefined,
    signal: AbortSignal | undefined,
    elapsed: () => number,
  ): Promise<ToolCallResult> {
    const approval = claimedId ? { approvalId: claimedId } : {};
    try {
      const output = await definition.run(input, {
        runner,
        stateDir: paths.stateDir,
        configTargets: current.configTargets,
        logTargets: current.logTargets,
        signal,
        ...toolTimeout(current, definition.name),
      });
      const checked = v.safeParse(definition.output, output);
      if (!checked.success) {
        const summary = formatIssues(checked.issues)
          .map((issue) => `${issue.path}: ${issue.message}`)
          .join("; ");
        return errorResult(
          definition.name,
          "output_invalid",
          `${definition.name} produced output that does not match its schema: ${summary}`,
          elapsed(),
          undefined,
          claimedId,
        );
      }
      return { status: "ok", tool: definition.name, output: checked.output as Record<string, unknown>, ...approval, durationMs: elapsed() };
    } catch (error) {
      if (!McError.isInstance(error)) {
        return errorResult(definition.name, "tool_failed", `${definition.name} failed: ${errorMessage(error)}`, elapsed(), undefined, claimedId);
      }
      // A denial's code is DeniedError's typed DenialCode; an error that only claims the
      // `denied` code has none to report and is the tool's failure.
      if (DeniedError.isInstance(error)) return { status: "denied", tool: definition.name, code: error.denial, reason: error.message, durationMs: elapsed() };
      const code: CallErrorCode = error.code === "timeout" ? "timeout" : error.code === "input_invalid" ? "input_invalid" : "tool_failed";
      return errorResult(definition.name, code, error.message, elapsed(), { ...error.data }, claimedId);
    }
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
    runTool: (name, args, runOptions) => call(name, args, runOptions),
    call,
    doctor: () => runDoctor({ paths, policy: policySource.current(), runner, store, tools: [...tools.values()] }),
    policy: () => policySource.current(),
    approvals,
    audit: {
      list: async (listOptions = {}) => (await store()).listAudit(listOptions),
      verify: async (verifyOptions = {}) => (await store()).verifyAudit(verifyOptions),
    },
    backups: createRuntimeBackups({ stateDir: paths.stateDir, policy: () => policySource.current() }),
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

/** What one call came to, with what its audit event needs. */
interface Verdict {
  result: ToolCallResult;
  /** Arguments as recorded: parsed when they parsed, as given otherwise. */
  auditArgs: unknown;
  /** The approval asked for or used. */
  approvalId?: string;
  /** Why it ran (set only when the tool ran); denials and errors carry their own reason. */
  allowedBecause?: string;
  /** True when the final event was already stored (with the approval's final state). */
  audited?: boolean;
  /** Why the claimed approval could not be finalized, recorded in the final event. */
  finalizeError?: string;
  /** The pending approval this call waits for (`approval_wait_s`), after its event is stored. */
  waitFor?: { id: string; waitS: number };
}

function errorResult(
  tool: string,
  code: CallErrorCode,
  message: string,
  durationMs: number,
  data?: Record<string, unknown>,
  approvalId?: string,
): Extract<ToolCallResult, { status: "error" }> {
  return { status: "error", tool, code, message, ...(data ? { data } : {}), ...(approvalId ? { approvalId } : {}), durationMs };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Arguments must be one plain JSON object. valibot's object schemas also take an array (`[]`
 * would pass as `{}`), and an own `__proto__` key is no argument name any tool has: both are
 * refused here, before any schema sees them.
 */
function argumentsShapeProblem(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return `the arguments must be a JSON object, not ${Array.isArray(args) ? "an array" : args === null ? "null" : `a ${typeof args}`}`;
  }
  const prototype = Object.getPrototypeOf(args) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return "the arguments must be a plain JSON object";
  const reserved = Object.keys(args).filter((key) => key === "__proto__" || key === "constructor" || key === "prototype");
  if (reserved.length > 0) return `argument name ${JSON.stringify(reserved[0])} is not allowed`;
  return undefined;
}

/**
 * Takes `approval_id` out of the arguments: it names an approval, it is not a tool argument.
 * Its shape is checked by the caller against core's one definition (`isApprovalId`).
 */
function splitApprovalId(args: unknown): { approvalId: unknown; rest: unknown } {
  if (!isPlainObject(args) || !Object.hasOwn(args, "approval_id")) return { approvalId: undefined, rest: args };
  const { approval_id: approvalId, ...rest } = args;
  return { approvalId, rest };
}

/** The `started` event of an action about to run (tool, approval id and outcome are added by the writer). */
function startedEvent(
  tool: string,
  caller: Caller,
  input: Record<string, unknown>,
): StartedEvent & Pick<AuditEventInput, "tool" | "decision" | "outcome" | "arguments"> {
  return { caller: caller.kind, clientName: caller.name ?? null, tool, arguments: input, decision: "allowed", outcome: "started" };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The audit event of a call, derived from its verdict. */
function auditEvent(tool: string, caller: Caller, verdict: Verdict): AuditEventInput {
  const { result } = verdict;
  // A tool that ran and failed was allowed; an error before that (bad input, unknown tool) was not.
  const ran = verdict.allowedBecause !== undefined;
  return {
    caller: caller.kind,
    clientName: caller.name ?? null,
    tool,
    arguments: isPlainObject(verdict.auditArgs) ? (auditableValue(verdict.auditArgs) as Record<string, unknown>) : { value: auditableValue(verdict.auditArgs) },
    decision:
      result.status === "ok" || (result.status === "error" && ran)
        ? "allowed"
        : result.status === "approval_required"
          ? "approval_required"
          : result.status === "denied"
            ? "denied"
            : "error",
    reason:
      result.status === "ok"
        ? (verdict.allowedBecause ?? null)
        : result.status === "approval_required"
          ? "confirmation required: waiting for a human approval"
          : failureText(result),
    approvalId: verdict.approvalId ?? null,
    durationMs: result.durationMs,
    outcome:
      result.status === "ok" ? "ok" : result.status === "denied" ? "denied" : result.status === "approval_required" ? "pending" : ran ? "failed" : "error",
    error:
      [
        result.status === "error" ? result.message : undefined,
        verdict.finalizeError === undefined ? undefined : `approval ${verdict.approvalId ?? ""} could not be finalized: ${verdict.finalizeError}`,
      ]
        .filter((text) => text !== undefined)
        .join("; ") || null,
  };
}

/** The reason of a denial or the message of an error. */
function failureText(result: ToolCallResult): string {
  return result.status === "denied" ? result.reason : result.status === "error" ? result.message : result.status;
}

/**
 * What the policy judges of a call, as the tool declares it; a tool that declares nothing names
 * no scope and no unit (so `allowed_scopes` and `service_patterns` deny it). Only strings count.
 */
function policySubjectOf(tool: ToolDefinition, input: Record<string, unknown>): { scope?: string; unit?: string } {
  if (tool.policySubject === undefined) return {};
  const subject = tool.policySubject(input);
  return {
    ...(typeof subject.scope === "string" ? { scope: subject.scope } : {}),
    ...(typeof subject.unit === "string" ? { unit: subject.unit } : {}),
  };
}

/** A tool's own exemption from approval (a dry run); an exemption that throws exempts nothing. */
async function confirmationExempt(tool: ToolDefinition, input: Record<string, unknown>, context: ToolContext): Promise<boolean> {
  if (tool.confirmationExempt === undefined) return false;
  try {
    return (await tool.confirmationExempt(input, context)) === true;
  } catch {
    return false;
  }
}

/**
 * Runs a tool's pre-queue `check`; the error result that refuses the request, or undefined.
 * Its errors map like a run's: input_invalid, a denial, else tool_failed.
 */
async function checkBeforeQueueing(
  tool: ToolDefinition,
  input: Record<string, unknown>,
  context: ToolContext,
  elapsed: () => number,
): Promise<ToolCallResult | undefined> {
  if (tool.check === undefined) return undefined;
  try {
    await tool.check(input, context);
    return undefined;
  } catch (error) {
    if (!McError.isInstance(error)) return errorResult(tool.name, "tool_failed", `${tool.name} could not check the request: ${errorMessage(error)}`, elapsed());
    if (DeniedError.isInstance(error)) return { status: "denied", tool: tool.name, code: error.denial, reason: error.message, durationMs: elapsed() };
    const code: CallErrorCode = error.code === "input_invalid" ? "input_invalid" : error.code === "timeout" ? "timeout" : "tool_failed";
    return errorResult(tool.name, code, error.message, elapsed(), { ...error.data });
  }
}
