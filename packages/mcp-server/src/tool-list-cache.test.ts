import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";
import { createRuntime } from "@mc/runtime";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { createMcpServer } from "./create-mcp-server.js";
import { publishedInputSchema, publishedOutputSchema } from "./published-schemas.js";

describe("the cached tool list", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("should answer every tools/list with the whole list of the runtime's tools and their schemas", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-list-cache-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), env: {} });
    cleanups.push(() => runtime.close());
    const server = createMcpServer(runtime, { version: "0.0.0-test" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: "list-cache-test", version: "1.0.0" });
    await client.connect(clientTransport);
    cleanups.push(() => client.close());

    const first = await client.listTools();
    const names = runtime.listTools().map((tool) => tool.definition.name);
    expect(first.tools.map((tool) => tool.name)).toStrictEqual(names);
    for (const tool of first.tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(JSON.stringify(tool.outputSchema)).toContain("approval_required");
    }
    for (let round = 0; round < 3; round += 1) {
      expect(await client.listTools()).toStrictEqual(first);
    }
    // A call between lists changes nothing in them.
    await client.callTool({ name: "memory_usage", arguments: {} });
    expect(await client.listTools()).toStrictEqual(first);
  });

  it("should build each JSON Schema once and freeze it, so no answer can change the next", () => {
    const input = publishedInputSchema(v.strictObject({ unit: v.pipe(v.string(), v.maxLength(8)) }));
    const output = publishedOutputSchema(v.object({ ok: v.boolean() }));
    const convert = (schema: typeof input, io: "input" | "output") =>
      (schema["~standard"] as unknown as { jsonSchema: Record<string, (options?: { target?: string }) => Record<string, unknown>> }).jsonSchema[io]!({
        target: "draft-2020-12",
      });
    const once = convert(input, "input");
    expect(convert(input, "input")).toBe(once);
    expect(once).toMatchObject({ type: "object", properties: { unit: { type: "string", maxLength: 8 } } });
    expect(Object.isFrozen(once)).toBe(true);
    expect(Object.isFrozen(once.properties)).toBe(true);
    expect(() => {
      (once.properties as Record<string, unknown>).extra = {};
    }).toThrow(TypeError);
    expect(convert(output, "output")).toBe(convert(output, "output"));
  });
});
