// Elicitation over stdio, as a desktop client does it: the SDK client declares the elicitation
// capability and answers every prompt with "approve" by itself — the case the policy must bound,
// because mc cannot tell a human's answer from the client application's. Real systemd.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { childEnv, MC_BIN, runMc, tempDir } from "./support.js";

const harness = await harnessForTests();

async function session(policy: string | undefined, clientName: string) {
  const dir = tempDir("mc-elicit-");
  if (policy !== undefined) writeFileSync(join(dir, "policy.toml"), policy);
  const env = childEnv({
    MC_STATE_DIR: join(dir, "state"),
    // Without a policy: the default path (an explicitly named policy must exist).
    ...(policy === undefined ? {} : { MC_POLICY_PATH: join(dir, "policy.toml") }),
    MC_COMMAND_PREFIX: JSON.stringify(harness.available ? harness.prefix : []),
  });
  const prompts: string[] = [];
  const client = new Client({ name: clientName, version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler("elicitation/create", async (request) => {
    prompts.push((request.params as { message: string }).message);
    return { action: "accept", content: { decision: "approve" } };
  });
  const transport = new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" });
  await client.connect(transport);
  const approvals = async () => {
    const listed = await runMc(["approvals", "list", "--json"], env);
    return (JSON.parse(listed.stdout) as { approvals: Array<{ id: string; tool: string; status: string; decided_by?: string }> }).approvals;
  };
  return { client, prompts, approvals, close: () => client.close() };
}

describe.skipIf(!harness.available)("approval in the client's elicitation prompt (stdio, real systemd)", () => {
  it("should let the prompt approve reload_service (mutating_safe) when allowed, recorded as elicitation via the client", async () => {
    const { client, prompts, approvals, close } = await session('version = 1\n[approvals]\nallow_elicitation = ["mutating_safe"]\n', "auto-approver");
    try {
      const result = await client.callTool({ name: "reload_service", arguments: { unit: "mc-reload.service" } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ unit: "mc-reload.service" });
      expect(prompts).toHaveLength(1);
      expect(await approvals()).toMatchObject([{ tool: "reload_service", status: "completed", decided_by: "elicitation via auto-approver" }]);
    } finally {
      await close();
    }
  });

  it("should never let the prompt approve restart_service (privileged) by default, nor with allow_elicitation = true", async () => {
    for (const policy of [undefined, "version = 1\n[approvals]\nallow_elicitation = true\n"]) {
      const { client, prompts, approvals, close } = await session(policy, "auto-approver");
      try {
        const result = await client.callTool({ name: "restart_service", arguments: { unit: "mc-demo.service" } });
        expect(result.structuredContent, JSON.stringify(result)).toMatchObject({ status: "approval_required" });
        expect(prompts).toStrictEqual([]);
        expect(await approvals()).toMatchObject([{ tool: "restart_service", status: "pending" }]);
      } finally {
        await close();
      }
    }
  });
});
