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
