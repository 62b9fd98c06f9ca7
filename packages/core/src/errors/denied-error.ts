import { McError } from "./mc-error.js";

/** Machine-readable reasons a policy refuses a call. */
export type DenialCode =
  | "policy_load_error"
  | "tool_disabled"
  | "scope_not_allowed"
  | "unit_not_allowed"
  | "confirmation_required"
  | "unknown_tool"
  | "config_path_refused"
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
   * @returns whether it is a DeniedError
   */
  static override isInstance(value: unknown): value is DeniedError {
    return McError.isInstance(value) && value.code === "denied";
  }
}
