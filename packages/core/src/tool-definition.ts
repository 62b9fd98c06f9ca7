import type * as v from "valibot";
import type { CommandRunner } from "./command-runner.js";
import type { ConfigTarget } from "./config-target.js";
import type { LogTarget } from "./log-target.js";
import type { RiskLevel } from "./risk.js";

/** Any valibot schema a tool can use for its input or output. */
export type AnySchema = v.GenericSchema<unknown, unknown>;

/** What a tool gets when it runs. */
export interface ToolContext {
  /** The only way a tool may start a process. */
  runner: CommandRunner;
  /** mc's state directory (backups, managed configs). */
  stateDir: string;
  /** Config targets of the current policy, roots resolved. */
  configTargets: readonly ConfigTarget[];
  /** Log targets of the current policy (`[[log_targets]]`), roots resolved; absent or empty: no log file may be read. */
  logTargets?: readonly LogTarget[];
  /** Aborted when the caller gives up. */
  signal?: AbortSignal;
  /**
   * How long this call's action (a systemctl job, a config write's validator) may run, in ms:
   * the policy's `timeout_s` for the tool. Absent: the tool's own default for its action.
   */
  timeoutMs?: number;
  /**
   * Where copies of new content are made for a confined command validator (uid 65534 must be
   * able to reach it: every ancestor searchable). Behind a command prefix (a container) it must
   * be visible at the same path inside. Default: the temp dir (`TMPDIR`, else `/tmp`).
   */
  scratchDir?: string;
}

/**
 * What the policy judges of one call: the scope and the unit it acts on. A tool that acts on
 * neither returns `{}` (or declares no `policySubject`): then `allowed_scopes` and
 * `service_patterns` deny every call of it, never pass it unchecked.
 */
export interface PolicySubject {
  /** The systemd manager the call acts in (`system` / `user`). */
  scope?: string;
  /** The unit the call acts on. */
  unit?: string;
}

/**
 * What a tool needs from the host beyond running a program: `systemd_manager` — a systemd
 * manager answering on its bus (system, or the user's for user scope); `journal` — journald's
 * files readable. `mc doctor` names the tools a missing need will break.
 */
export type ToolNeed = "systemd_manager" | "journal";

/**
 * A tool: the contract between mc's tool packages, the runtime and every surface (MCP, CLI,
 * embedding). Its input and output schemas are its public contract.
 */
export interface ToolDefinition<TInput extends AnySchema = AnySchema, TOutput extends AnySchema = AnySchema> {
  /** snake_case name, unique across mc, e.g. `service_status`. */
  name: string;
  /** Short human title. */
  title: string;
  /** What it does and returns, written for an agent deciding whether to call it. */
  description: string;
  /** Sets the default confirmation rule and the MCP annotations. */
  risk: RiskLevel;
  /** What it needs from the host (see {@link ToolNeed}); doctor checks each. Default: nothing. */
  needs?: readonly ToolNeed[];
  /** valibot schema of the arguments; checked before the policy and before `run`. */
  input: TInput;
  /** valibot schema of the result; every result is checked against it. */
  output: TOutput;
  /**
   * What the policy judges of a call (its scope and unit), from the validated arguments. The
   * runtime never guesses it from argument names. Default: nothing (`{}`).
   * @param input - validated arguments
   * @returns the call's scope and unit, as far as the policy cares
   */
  policySubject?(input: v.InferOutput<TInput>): PolicySubject;
  /**
   * Whether this particular call changes nothing (a dry run) and so needs no approval even when
   * the tool's risk asks for one. The policy's denials still apply. Default: never exempt. It
   * may depend on the host (e.g. a dry run that would hand content to a validator is exempt only
   * where validators run confined); it must not throw (an error counts as not exempt).
   * @param input - validated arguments
   * @param context - the context the call would run with
   * @returns true to skip the approval for this call
   */
  confirmationExempt?(input: v.InferOutput<TInput>, context: ToolContext): boolean | Promise<boolean>;
  /**
   * Checks a call that needs approval before the approval is created, so a request that can
   * never succeed (invalid content, a refused path) is an error now, not a pending approval. It
   * must not change anything, and must not run a program as root on the content (it has not
   * been approved).
   * @param input - validated arguments
   * @param context - runner, state dir, config targets
   * @throws InputError (or another McError) when the request is invalid
   */
  check?(input: v.InferOutput<TInput>, context: ToolContext): Promise<void>;
  /**
   * What the call would change, for the human deciding on its approval (`mc approvals show`): a
   * unified diff from what is there now to what the call would leave. Read-only: it must not
   * change anything nor run a program on the content. Default: none (the arguments say it all).
   * @param input - validated arguments (as queued)
   * @param context - state dir, config targets
   * @returns the unified diff ("" when nothing would change)
   */
  preview?(input: v.InferOutput<TInput>, context: ToolContext): Promise<string>;
  /**
   * Does the work.
   * @param input - arguments, already validated
   * @param context - runner, state dir, config targets
   * @returns data matching `output`
   */
  run(input: v.InferOutput<TInput>, context: ToolContext): Promise<v.InferInput<TOutput>>;
}

/**
 * Declares a tool with its types inferred from its schemas.
 * @param definition - the tool
 * @returns the same object, typed
 */
export function defineTool<TInput extends AnySchema, TOutput extends AnySchema>(definition: ToolDefinition<TInput, TOutput>): ToolDefinition<TInput, TOutput> {
  return definition;
}
