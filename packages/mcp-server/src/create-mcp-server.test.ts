import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";
import { defineTool, ToolFailureError } from "@mc/core";
import { createRuntime, type Runtime } from "@mc/runtime";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { createMcpServer } from "./create-mcp-server.js";

const echo = defineTool({
  name: "echo_text",
  title: "Echo",
  description: "Returns its text",
  risk: "read_only",
  input: v.strictObject({ text: v.pipe(v.string(), v.maxLength(10)) }),
  output: v.object({ text: v.string() }),
  run: async (input) => ({ text: input.text }),
});
const change = defineTool({
  name: "change_thing",
  title: "Change",
  description: "Pretends to change something",
  risk: "privileged",
  input: v.strictObject({ value: v.number() }),
  output: v.object({ changed: v.boolean() }),
  run: async () => ({ changed: true }),
});
const tweak = defineTool({
  name: "tweak_thing",
  title: "Tweak",
  description: "Pretends to make a safe change",
  risk: "mutating_safe",
  input: v.strictObject({ value: v.number() }),
  output: v.object({ tweaked: v.boolean() }),
  run: async () => ({ tweaked: true }),
});
const broken = defineTool({
  name: "broken_tool",
  title: "Broken",
  description: "Always fails",
  risk: "read_only",
  input: v.strictObject({}),
  output: v.object({ never: v.string() }),
  run: async () => {
    throw new ToolFailureError("the thing is broken");
  },
});

describe("createMcpServer (in memory)", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connect(
    policy?: string,
    elicit?: (message: string) => { action: "accept" | "decline" | "cancel"; content?: Record<string, string> },
    clientName = "in-memory-test",
  ): Promise<{ client: Client; runtime: Runtime }> {
    const dir = mkdtempSync(join(tmpdir(), "mc-mcp-mem-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    if (policy !== undefined) writeFileSync(join(dir, "policy.toml"), policy);
    const runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), tools: [echo, change, tweak, broken], env: {} });
    cleanups.push(() => runtime.close());
    const server = createMcpServer(runtime, { version: "0.0.0-test" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: clientName, version: "1.0.0" }, elicit ? { capabilities: { elicitation: { form: {} } } } : undefined);
    if (elicit) {
      client.setRequestHandler("elicitation/create", async (request) => elicit((request.params as { message: string }).message));
    }
    await client.connect(clientTransport);
    cleanups.push(() => client.close());
    return { client, runtime };
  }

  it("should list tools with input and output JSON Schemas and annotations", async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toStrictEqual(["echo_text", "change_thing", "tweak_thing", "broken_tool"]);
    const listed = tools[0]!;
    expect(listed.inputSchema).toMatchObject({ type: "object", properties: { text: { type: "string", maxLength: 10 } }, required: ["text"] });
    expect(listed.outputSchema?.type).toBe("object");
    expect(JSON.stringify(listed.outputSchema)).toContain("approval_required");
    expect(listed.annotations).toMatchObject({ title: "Echo", readOnlyHint: true, destructiveHint: false, openWorldHint: false });
    expect(tools[1]!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it("should return structuredContent and text for a successful call", async () => {
    const { client } = await connect();
    const result = await client.callTool({ name: "echo_text", arguments: { text: "hi" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toStrictEqual({ text: "hi" });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toStrictEqual({ text: "hi" });
  });

  it("should refuse invalid input through the runtime, naming the argument", async () => {
    const { client, runtime } = await connect();
    const result = await client.callTool({ name: "echo_text", arguments: { text: "far too long for ten" } });
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/^Error \(input_invalid\): Invalid arguments for echo_text: text:/);
    // The refusal went through the runtime, so it is audited.
    const events = await runtime.audit.list({ tool: "echo_text" });
    expect(events.map((event) => event.outcome)).toStrictEqual(["error"]);
  });

  it("should return a denial as isError with its code and reason", async () => {
    const { client } = await connect("version = 1\n[tools.echo_text]\nenabled = false\n");
    const result = await client.callTool({ name: "echo_text", arguments: { text: "hi" } });
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/^Denied \(tool_disabled\): .*echo_text/);
  });

  it("should deny everything when the policy does not load", async () => {
    const { client } = await connect("version = 2\n");
    const result = await client.callTool({ name: "echo_text", arguments: { text: "hi" } });
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain("Policy load error");
  });

  it("should return approval_required as a structured result that is not an error", async () => {
    const { client } = await connect();
    const result = await client.callTool({ name: "change_thing", arguments: { value: 1 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "approval_required", tool: "change_thing" });
    const { approval_id: approvalId, approve_with: approveWith } = result.structuredContent as { approval_id: string; approve_with: string };
    // The test's state dir is not the default one: approve_with names it, so it works as printed.
    expect(approveWith).toMatch(new RegExp(`^MC_STATE_DIR=\\S+ mc approvals approve ${approvalId}$`));
  });

  it("should return a tool failure as isError with its message", async () => {
    const { client } = await connect();
    const result = await client.callTool({ name: "broken_tool", arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toBe("Error (tool_failed): the thing is broken");
  });

  const approve = () => ({ action: "accept" as const, content: { decision: "approve" } });

  it("should run a mutating_safe call once approved in the client's prompt, recorded as elicitation via the client", async () => {
    const prompts: string[] = [];
    const { client, runtime } = await connect('version = 1\n[approvals]\nallow_elicitation = ["mutating_safe"]\n', (message) => {
      prompts.push(message);
      return approve();
    });
    const result = await client.callTool({ name: "tweak_thing", arguments: { value: 1 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toStrictEqual({ tweaked: true });
    expect(prompts[0]).toContain("tweak_thing (mutating_safe)");
    const [approval] = await runtime.approvals.list({});
    expect(approval).toMatchObject({ status: "completed", decidedBy: "elicitation via in-memory-test" });
  });

  it("should never let the client's prompt approve a privileged call unless the policy lists privileged", async () => {
    const prompts: string[] = [];
    for (const setting of ["true", '["mutating_safe"]', '["read_only", "mutating_safe"]']) {
      const { client } = await connect(`version = 1\n[approvals]\nallow_elicitation = ${setting}\n`, (message) => {
        prompts.push(message);
        return approve();
      });
      const result = await client.callTool({ name: "change_thing", arguments: { value: 1 } });
      expect(result.structuredContent).toMatchObject({ status: "approval_required" });
    }
    expect(prompts).toStrictEqual([]);
    const { client, runtime } = await connect('version = 1\n[approvals]\nallow_elicitation = ["privileged"]\n', approve);
    expect((await client.callTool({ name: "change_thing", arguments: { value: 1 } })).structuredContent).toStrictEqual({ changed: true });
    expect(await runtime.approvals.list({})).toMatchObject([{ status: "completed", decidedBy: "elicitation via in-memory-test" }]);
  });

  it("should record a hostile client name escaped and bounded", async () => {
    const name = `evil\u202e\u001b[31mname\n${"x".repeat(200)}`;
    const { client, runtime } = await connect("version = 1\n[approvals]\nallow_elicitation = true\n", approve, name);
    await client.callTool({ name: "tweak_thing", arguments: { value: 1 } });
    const [approval] = await runtime.approvals.list({});
    expect(approval?.decidedBy).toBe(`elicitation via evil\\u{202e}\\u{1b}[31mname\\u{a}${"x".repeat(64 - 31)}…`);
  });

  it("should leave the request pending when the human declines in the client", async () => {
    const { client } = await connect("version = 1\n[approvals]\nallow_elicitation = true\n", () => ({ action: "decline" }));
    const result = await client.callTool({ name: "tweak_thing", arguments: { value: 1 } });
    expect(result.structuredContent).toMatchObject({ status: "approval_required" });
  });

  it("should never elicit when the policy does not allow it, even if the client can", async () => {
    const prompts: string[] = [];
    const { client } = await connect(undefined, (message) => {
      prompts.push(message);
      return { action: "accept", content: { decision: "approve" } };
    });
    const result = await client.callTool({ name: "change_thing", arguments: { value: 1 } });
    expect(result.structuredContent).toMatchObject({ status: "approval_required" });
    expect(prompts).toStrictEqual([]);
  });

  it("should fail closed to the out-of-band path when the client cannot elicit", async () => {
    const { client } = await connect("version = 1\n[approvals]\nallow_elicitation = true\n");
    const result = await client.callTool({ name: "tweak_thing", arguments: { value: 1 } });
    expect(result.structuredContent).toMatchObject({ status: "approval_required" });
  });
});
