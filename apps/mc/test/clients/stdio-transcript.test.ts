// Drives `mc mcp serve` (stdio) with the official SDK client through a whole session and
// compares the normalized transcript with docs/transcripts/stdio-session.md.
// MC_UPDATE_TRANSCRIPTS=1 rewrites the file instead of comparing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { RecordingTransport, type RecordedMessage } from "./recording-transport.js";
import { childEnv, MC_BIN, processExists, REPO_ROOT, runMc, tempDir } from "./support.js";

const harness = await harnessForTests();
const TRANSCRIPT = join(REPO_ROOT, "docs/transcripts/stdio-session.md");

const POLICY = [
  "version = 1",
  "",
  "# Only this unit may be restarted, and only with a human approval (restart_service is privileged).",
  "[tools.restart_service]",
  'service_patterns = ["mc-reload.service"]',
  "",
].join("\n");

interface Step {
  title: string;
  note: string;
  messages: RecordedMessage[];
  shell?: { command: string; exitCode: number | null; output: string };
}

describe.skipIf(!harness.available)("stdio session transcript (SDK client, real systemd)", () => {
  it("should match docs/transcripts/stdio-session.md after normalization", async () => {
    const dir = tempDir("mc-transcript-");
    writeFileSync(join(dir, "policy.toml"), POLICY);
    const env = childEnv({
      MC_STATE_DIR: join(dir, "state"),
      MC_POLICY_PATH: join(dir, "policy.toml"),
      MC_COMMAND_PREFIX: JSON.stringify(harness.available ? harness.prefix : []),
    });
    const inner = new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" });
    const transport = new RecordingTransport(inner);
    const client = new Client({ name: "mc-transcript", version: "1.0.0" });
    const steps: Step[] = [];
    let seen = 0;
    const step = async (title: string, note: string, action: () => Promise<void>): Promise<Step> => {
      await action();
      const entry: Step = { title, note, messages: transport.messages.slice(seen) };
      seen = transport.messages.length;
      steps.push(entry);
      return entry;
    };
    try {
      await step("initialize", "The client opens the session (2025-era handshake); mc answers with its name, capabilities and instructions.", () =>
        client.connect(transport),
      );
      await step(
        "tools/list",
        "Every tool with its input schema, annotations from its risk level and the package that defines it. Descriptions and output schemas are elided here.",
        async () => {
          await client.listTools();
        },
      );
      await step("a read-only call", "`service_status` runs at once: read-only tools need no approval.", async () => {
        const result = await client.callTool({ name: "service_status", arguments: { unit: "mc-demo.service" } });
        expect(result.structuredContent).toMatchObject({ id: "mc-demo.service", active_state: "active" });
      });
      await step(
        "a denied call",
        "The policy lets `restart_service` touch only `mc-reload.service`: the denial is an `isError` result with a code and a reason.",
        async () => {
          const result = await client.callTool({ name: "restart_service", arguments: { unit: "mc-demo.service" } });
          expect(result.isError).toBe(true);
        },
      );
      let approvalId = "";
      await step(
        "an approval-required call",
        "A privileged call returns `approval_required` (not an error): nothing ran, a pending approval was created.",
        async () => {
          const result = await client.callTool({ name: "restart_service", arguments: { unit: "mc-reload.service" } });
          expect(result.structuredContent).toMatchObject({ status: "approval_required" });
          approvalId = (result.structuredContent as { approval_id: string }).approval_id;
        },
      );
      const approve = await runMc(["approvals", "approve", approvalId], env);
      expect(approve.exitCode).toBe(0);
      steps.push({
        title: "out-of-band approval",
        note: "A human approves from another process on the host. No MCP message is exchanged: the client cannot approve its own request.",
        messages: [],
        shell: { command: `mc approvals approve ${approvalId}`, exitCode: approve.exitCode, output: approve.stdout + approve.stderr },
      });
      seen = transport.messages.length;
      await step("the executed call", "The client repeats the same call with `approval_id`; mc claims the approval and restarts the unit.", async () => {
        const result = await client.callTool({ name: "restart_service", arguments: { unit: "mc-reload.service", approval_id: approvalId } });
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent).toMatchObject({ unit: "mc-reload.service", action: "restart", active_state: "active" });
      });
    } finally {
      const pid = inner.pid;
      await client.close();
      const deadline = Date.now() + 5_000;
      while (pid && processExists(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const audit = await runMc(["audit", "list", "--json"], env);
    expect(audit.exitCode).toBe(0);
    const events = (JSON.parse(audit.stdout) as { events: Array<Record<string, unknown>> }).events.reverse().map((event) => ({
      caller: event.caller,
      client_name: event.client_name,
      tool: event.tool,
      arguments: event.arguments,
      decision: event.decision,
      outcome: event.outcome,
      reason: event.reason,
    }));
    const text = renderTranscript(steps, events, dir);
    if (process.env.MC_UPDATE_TRANSCRIPTS === "1") {
      writeFileSync(TRANSCRIPT, text);
    } else {
      expect(existsSync(TRANSCRIPT), `${TRANSCRIPT} is missing (MC_UPDATE_TRANSCRIPTS=1 writes it)`).toBe(true);
      expect(text, "the session differs from docs/transcripts/stdio-session.md (MC_UPDATE_TRANSCRIPTS=1 rewrites it)").toBe(readFileSync(TRANSCRIPT, "utf8"));
    }
  });
});

/**
 * Replaces what changes from run to run: approval ids, times, pids, durations, hashes, versions,
 * the operator's user name.
 */
function normalize(text: string, dir: string): string {
  const operator = userInfo().username;
  return (
    text
      .split(dir)
      .join("<dir>")
      .replace(/apr_[a-z0-9]+/g, "<approval-id>")
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, "<time>")
      .replace(/("(?:main_pid|previous_main_pid)": )\d+/g, '$1"<pid>"')
      .replace(/(\\"(?:main_pid|previous_main_pid)\\": )\d+/g, "$1<pid>")
      .replace(/("durationMs": )[\d.]+/g, '$1"<ms>"')
      // The started event names the process that claimed the approval and its host.
      .replace(/claimed by pid \d+ on \S+?(?=["\\]|$)/gm, "claimed by pid <pid> on <host>")
      .replace(/("(?:version|mc\/version)": )"\d+\.\d+\.\d+[^"]*"/g, '$1"<version>"')
      .replace(new RegExp(`\\b(as|by) ${operator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "g"), "$1 <operator>")
  );
}

function elideToolList(message: RecordedMessage["message"]): unknown {
  const result = (message as { result?: { tools?: Array<Record<string, unknown>> } }).result;
  if (!result?.tools) return message;
  return {
    ...message,
    result: {
      ...result,
      tools: result.tools.map(({ description: _description, outputSchema: _output, ...tool }) => ({ ...tool, description: "…", outputSchema: "…" })),
    },
  };
}

function renderTranscript(steps: Step[], audit: unknown[], dir: string): string {
  const lines = [
    "# Transcript: a full MCP session over stdio",
    "",
    "<!-- Generated by apps/mc/test/clients/stdio-transcript.test.ts: do not edit by hand. -->",
    "<!-- Regenerate: MC_UPDATE_TRANSCRIPTS=1 pnpm --filter @mc/app exec vitest run test/clients/stdio-transcript.test.ts -->",
    "",
    "The official MCP TypeScript SDK client (`@modelcontextprotocol/client`, `StdioClientTransport`) drives",
    "`mc mcp serve` against the project's systemd container, with this policy:",
    "",
    "```toml",
    POLICY.trimEnd(),
    "```",
    "",
    "Every JSON-RPC message is shown as the client sent or received it. Normalized: approval ids",
    "(`<approval-id>`), times (`<time>`), process ids (`<pid>`), durations (`<ms>`), versions",
    "(`<version>`) and the approving user (`<operator>`). The test regenerates this file and fails",
    "on any other difference.",
    "",
  ];
  steps.forEach((step, index) => {
    lines.push(`## ${index + 1}. ${step.title}`, "", step.note, "");
    for (const recorded of step.messages) {
      const shown = step.title === "tools/list" ? elideToolList(recorded.message) : recorded.message;
      lines.push(`**${recorded.direction}**`, "", "```json", normalize(JSON.stringify(shown, null, 2), dir), "```", "");
    }
    if (step.shell) {
      lines.push(
        "```console",
        `$ ${normalize(step.shell.command, dir)}`,
        normalize(step.shell.output, dir).trimEnd(),
        `# exit ${step.shell.exitCode}`,
        "```",
        "",
      );
    }
  });
  lines.push(
    "## Audit trail",
    "",
    "`mc audit list --json` afterwards (oldest first, selected fields): every call, with caller `mcp` and the client's name.",
    "",
    "```json",
    normalize(JSON.stringify(audit, null, 2), dir),
    "```",
    "",
  );
  return lines.join("\n");
}
