// mc's errors, in one module: McError (a stable string `code`, structured `data`, `cause`, and
// an `isInstance` that works across copies of this package), and a subclass only where the data
// differs — InputError (the issues), DeniedError (the denial code), CommandTimeoutError (argv and
// the limit) and ToolFailureError (a tool's own failure). Callers switch on `code`.
/**
 * Base class of every error mc raises on purpose. Each subclass has a stable string `code`
 * that callers (the CLI's exit codes, MCP results, audit events) switch on, and structured
 * `data` that is safe to show to the caller.
 */
export class McError extends Error {
  /** Stable machine-readable code, e.g. `input_invalid`. */
  readonly code: string;
  /** Structured details for the caller; never contains secrets. */
  readonly data: Readonly<Record<string, unknown>>;

  /**
   * @param code - stable machine-readable code
   * @param message - a human sentence that names the problem
   * @param options - structured `data` and the underlying `cause`
   */
  constructor(code: string, message: string, options: { data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.data = options.data ?? {};
  }

  /**
   * Whether `value` is an mc error, also across copies of this package (instanceof is not).
   * @param value - anything caught
   * @returns true for every McError subclass
   */
  static isInstance(value: unknown): value is McError {
    return (
      value instanceof Error &&
      typeof (value as { code?: unknown }).code === "string" &&
      typeof (value as { data?: unknown }).data === "object" &&
      (value as { data?: unknown }).data !== null &&
      (value as { [MC_ERROR]?: unknown })[MC_ERROR] === true
    );
  }
}

const MC_ERROR = Symbol.for("mc.error");
Object.defineProperty(McError.prototype, MC_ERROR, { value: true });

/** One problem with a tool's arguments: where (a dotted key path) and what. */
export interface InputIssue {
  /** Dotted path of the offending argument, e.g. `unit` or `lines`; empty for the whole input. */
  path: string;
  /** What is wrong with it. */
  message: string;
}

/** Arguments that fail the tool's input schema or its rules. Raised before any process starts. */
export class InputError extends McError {
  /** Every problem found, not only the first. */
  readonly issues: readonly InputIssue[];

  /**
   * @param message - a sentence naming the problem
   * @param issues - each offending argument
   */
  constructor(message: string, issues: readonly InputIssue[] = []) {
    super("input_invalid", message, { data: { issues } });
    this.issues = issues;
  }

  /**
   * @param value - anything caught
   * @returns whether it is an InputError
   */
  static override isInstance(value: unknown): value is InputError {
    return McError.isInstance(value) && value.code === "input_invalid";
  }
}

/** Machine-readable reasons a policy refuses a call. */
export type DenialCode =
  | "policy_load_error"
  | "tool_disabled"
  | "scope_not_allowed"
  | "unit_not_allowed"
  | "confirmation_required"
  | "unknown_tool"
  | "config_path_refused"
  | "log_path_refused"
  | "approval_invalid";

/** The policy (or the approval rules) refused a call. */
export class DeniedError extends McError {
  /** Why, for programs. */
  readonly denial: DenialCode;

  /**
   * @param denial - machine-readable reason
   * @param reason - human reason, returned to the caller as is
   * @param data - extra structured details
   */
  constructor(denial: DenialCode, reason: string, data: Record<string, unknown> = {}) {
    super("denied", reason, { data: { ...data, denial } });
    this.denial = denial;
  }

  /**
   * @param value - anything caught
   * @returns whether it is a DeniedError: code `denied` with a string `denial` (an error that
   *   only claims the code has no denial a caller could report)
   */
  static override isInstance(value: unknown): value is DeniedError {
    return McError.isInstance(value) && value.code === "denied" && typeof (value as { denial?: unknown }).denial === "string";
  }
}

/** A tool ran and failed: a command exited badly, a file could not be read, output did not parse. */
export class ToolFailureError extends McError {
  /**
   * @param message - what failed, in a sentence the caller can act on
   * @param options - structured details (exit code, stderr excerpt) and the cause
   */
  constructor(message: string, options: { data?: Record<string, unknown>; cause?: unknown } = {}) {
    super("tool_failed", message, options);
  }

  /**
   * @param value - anything caught
   * @returns whether it is a ToolFailureError
   */
  static override isInstance(value: unknown): value is ToolFailureError {
    return McError.isInstance(value) && value.code === "tool_failed";
  }
}

/** A child process ran past its time limit; its whole process group was killed. */
export class CommandTimeoutError extends McError {
  /**
   * @param argv - the command that timed out (after any prefix)
   * @param timeoutMs - the limit it ran past
   */
  constructor(argv: readonly string[], timeoutMs: number) {
    super("timeout", `Command timed out after ${timeoutMs} ms and was killed: ${argv.join(" ")}`, {
      data: { argv: [...argv], timeout_ms: timeoutMs },
    });
  }

  /**
   * @param value - anything caught
   * @returns whether it is a CommandTimeoutError
   */
  static override isInstance(value: unknown): value is CommandTimeoutError {
    return McError.isInstance(value) && value.code === "timeout";
  }
}
