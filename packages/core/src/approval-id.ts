import * as v from "valibot";

/**
 * Shape of an approval id: `apr_` and 16 characters of Crockford base32 (no i, l, o, u). The one
 * definition: `@mc/approvals` generates ids of this shape, tools declare it, and the runtime
 * refuses any other `approval_id` as invalid input.
 */
export const APPROVAL_ID_PATTERN = /^apr_[0-9a-hjkmnp-tv-z]{16}$/;

/**
 * Whether a value is a well-formed approval id (it may still name no approval).
 * @param value - anything a caller passed as `approval_id`
 * @returns true for `apr_` and 16 Crockford base32 characters
 */
export function isApprovalId(value: unknown): value is string {
  return typeof value === "string" && APPROVAL_ID_PATTERN.test(value);
}

/**
 * The optional `approval_id` argument of every tool that can need confirmation. The runtime
 * takes it off before the tool runs; tools declare it so clients see it in the schema.
 */
export const approvalIdSchema = v.optional(
  v.pipe(
    v.string("must be a string"),
    v.regex(APPROVAL_ID_PATTERN, "must be an approval id: apr_ and 16 lowercase base32 characters, as `mc approvals list` shows"),
    v.description("Approval id: set after a human approved the request; repeat the same call with it."),
  ),
);

/** The longest a call may wait for its human: 600 seconds (10 minutes). */
export const MAX_APPROVAL_WAIT_S = 600;

/**
 * The optional `approval_wait_s` argument of every tool that can need confirmation: how many
 * seconds (0–600) the call stays open for a human to decide. The runtime takes it off before
 * the tool runs (it is not part of the request's identity); 0 or absent answers
 * `approval_required` at once, as before.
 */
export const approvalWaitSchema = v.optional(
  v.pipe(
    v.number("must be a number of seconds"),
    v.integer("must be a whole number of seconds"),
    v.minValue(0, "must be at least 0"),
    v.maxValue(MAX_APPROVAL_WAIT_S, `must be at most ${MAX_APPROVAL_WAIT_S} seconds`),
    v.description(
      "Seconds (0-600) to keep this call open while a human decides: it runs as soon as the request is approved and returns at once on rejection (with the operator's note) or expiry. 0 or absent: return approval_required at once.",
    ),
  ),
);
