// Compile-time tests of typed embedding (checked by `pnpm typecheck`): runTool takes only the
// tool map's names and each tool's own arguments, and types the output; call() stays loose for
// surfaces that pass untrusted input; the public Runtime has no store().
import { defineTool } from "@mc/core";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import type { ToolCallResult } from "./call-result.js";
import { createRuntime, type Runtime } from "./runtime.js";

const caller = { caller: { kind: "embedded" as const, name: "types" } };

describe("typed runTool", () => {
  it("should accept a built-in tool's own arguments and type its output", async () => {
    const runtime = createRuntime();
    const result = await runtime.runTool("service_status", { unit: "nginx.service", scope: "system" }, caller);
    if (result.status === "ok") {
      expectTypeOf(result.output.active_state).toEqualTypeOf<string>();
      expectTypeOf(result.output.scope).toEqualTypeOf<"system" | "user">();
    }
    const memory = await runtime.runTool("memory_usage", {}, caller);
    if (memory.status === "ok") expectTypeOf(memory.output.total_bytes).toEqualTypeOf<number>();
    // approval_id may be repeated on any call.
    await runtime.runTool("restart_service", { unit: "nginx.service", approval_id: "apr_0000000000000000" }, caller);
  });

  it("should refuse unknown names and wrong argument types at compile time", async () => {
    const runtime = createRuntime();
    // @ts-expect-error -- no such tool
    await runtime.runTool("reboot_host", {}, caller);
    // @ts-expect-error -- unit must be a string
    await runtime.runTool("service_status", { unit: 42 }, caller);
    // @ts-expect-error -- scope is "system" | "user"
    await runtime.runTool("service_status", { unit: "a.service", scope: "root" }, caller);
    // @ts-expect-error -- an argument the tool does not take
    await runtime.runTool("memory_usage", { limt: 5 }, caller);
  });

  it("should type a custom tool map given to createRuntime", async () => {
    const echo = defineTool({
      name: "echo_text",
      title: "Echo",
      description: "Echoes",
      risk: "read_only",
      input: v.strictObject({ text: v.string() }),
      output: v.object({ echoed: v.string() }),
      run: async (input) => ({ echoed: input.text }),
    });
    const runtime = createRuntime<{ echo_text: typeof echo }>({ tools: [echo] });
    const result = await runtime.runTool("echo_text", { text: "hi" }, caller);
    if (result.status === "ok") expectTypeOf(result.output).toEqualTypeOf<{ echoed: string }>();
    // @ts-expect-error -- a built-in name is not in this runtime's map
    await runtime.runTool("service_status", { unit: "a.service", scope: "system" }, caller);
  });

  it("should keep call() loose for untrusted names and arguments", async () => {
    const runtime = createRuntime();
    const untrustedName: string = "anything";
    const untrustedArgs: unknown = JSON.parse("{}");
    expectTypeOf(await runtime.call(untrustedName, untrustedArgs, caller)).toEqualTypeOf<ToolCallResult>();
  });

  it("should have no store() and approve only through the approvals API", () => {
    expectTypeOf<Runtime>().not.toHaveProperty("store");
    expectTypeOf<Runtime["approvals"]["approve"]>().parameter(1).toHaveProperty("method");
  });
});
