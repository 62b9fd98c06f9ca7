import { createHash } from "node:crypto";
import { canonicalJson } from "@mc/core";

/**
 * The arguments that identify a request: everything but `approval_id`, which a client adds
 * when it repeats an approved call and must not change the call's identity.
 * @param callArguments - the tool's arguments as the caller sent them
 * @returns a copy without `approval_id`
 */
export function identifyingArguments(callArguments: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { approval_id: _approvalId, ...rest } = callArguments;
  return rest;
}

/**
 * Identity of a request: sha256 over the tool name and the canonical JSON of its arguments
 * (keys sorted at every depth, `approval_id` left out).
 * @param tool - the tool name
 * @param callArguments - the tool's arguments
 * @returns lowercase hex sha256
 */
export function requestHash(tool: string, callArguments: Readonly<Record<string, unknown>>): string {
  return createHash("sha256")
    .update(canonicalJson({ tool, arguments: identifyingArguments(callArguments) }))
    .digest("hex");
}
