import type { ToolDefinition } from "@mc/core";

/** A privileged tool that records each run in $MC_TEST_MARKER, then takes 30 s. */
export declare const slowTool: ToolDefinition;
