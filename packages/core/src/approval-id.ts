import * as v from "valibot";

/**
 * The optional `approval_id` argument of every tool that can need confirmation. The runtime
 * takes it off before the tool runs; tools declare it so clients see it in the schema.
 */
export const approvalIdSchema = v.optional(
  v.pipe(
    v.string("must be a string"),
    v.nonEmpty("must not be empty"),
    v.maxLength(128, "must be at most 128 characters"),
    v.description("Approval id: set after a human approved the request; repeat the same call with it."),
  ),
);
