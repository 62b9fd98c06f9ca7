import type { ToolDefinition } from "@mc/core";
import type * as v from "valibot";

/** Tools by name: the type a runtime checks `runTool` calls against (default `BuiltinTools`). */
export type ToolMap = { readonly [name: string]: ToolDefinition };

/** The arguments a tool takes, as a caller writes them, plus the `approval_id` of an approved request. */
export type ToolArguments<T extends ToolDefinition> = v.InferInput<T["input"]> & {
  /** An approved request's id (see `approval_required`). */
  approval_id?: string;
};

/** What a tool returns when it succeeds (its output schema's output type). */
export type ToolOutput<T extends ToolDefinition> = v.InferOutput<T["output"]>;
