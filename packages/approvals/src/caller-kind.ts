// The caller kinds are one fact of @mc/core; approvals stores and checks them.
export { CALLER_KINDS } from "@mc/core";
export type { CallerKind } from "@mc/core";
