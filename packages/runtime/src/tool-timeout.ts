import type { LoadedPolicy } from "@mc/policy";

/**
 * The part of a tool's context that carries the policy's `timeout_s` for it, in ms: empty when
 * the policy sets none, so the tool keeps its own default for its action.
 * @param policy - the policy in force for the call
 * @param toolName - the tool being called
 * @returns `{ timeoutMs }`, or `{}`
 */
export function toolTimeout(policy: LoadedPolicy, toolName: string): { timeoutMs?: number } {
  const seconds = policy.tools.get(toolName)?.timeoutSeconds;
  return seconds === undefined ? {} : { timeoutMs: seconds * 1000 };
}
