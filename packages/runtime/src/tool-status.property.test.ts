// `mc tools` and `mc tool` must agree on whether a tool is enabled and needs approval, for every
// policy of the fuzz corpus. Both commands are thin: `mc tools` prints runtime.listTools() and
// `mc tool` prints runtime.call(); this property drives those two runtime functions directly
// (for speed), each case through a real policy file, a real database and real tool runs (behind a
// command prefix of /bin/false, so no systemd action ever reaches this host).
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED, VALID_ARGS } from "./fuzz-support.js";
import { createRuntime, type Runtime } from "./runtime.js";
import { malformedPolicy, render, richValidModel, VALID_TARGET, validModel } from "./test-policy-corpus.js";
import { builtinTools } from "./tool-registry.js";

const RUNS = Number(process.env.MC_FUZZ_STATUS_RUNS ?? 100);
/** Policy denials that say the tool cannot run at all, whatever the arguments. */
const DISABLED = new Set(["policy_load_error", "tool_disabled", "unknown_tool"]);
/** Policy denials of a call's scope or unit: the tool is enabled, this call is not allowed. */
const RESTRICTED = new Set(["scope_not_allowed", "unit_not_allowed"]);

describe("tool list and tool call agree (property over the policy fuzz corpus)", () => {
  let dir: string;
  let root: string;
  let policyPath: string;
  let runtime: Runtime;
  const privileged = builtinTools()
    .filter((tool) => tool.definition.risk === "privileged")
    .map((tool) => tool.definition.name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mc-tool-status-"));
    root = join(dir, "app");
    mkdirSync(root);
    writeFileSync(join(root, "app.ini"), "[a]\nb = 0\n");
    policyPath = join(dir, "policy.toml");
    runtime = createRuntime({ stateDir: join(dir, "state"), policyPath, commandPrefix: ["/bin/false"], env: {} });
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function writePolicy(bytes: Buffer | string): void {
    writeFileSync(`${policyPath}.tmp`, bytes);
    renameSync(`${policyPath}.tmp`, policyPath);
  }

  /** The corpus's valid arguments, with its config paths moved under this test's real target, and no dry run (a dry run may be exempt). */
  function argumentsOf(name: string): Record<string, unknown> {
    const args = JSON.parse(JSON.stringify(VALID_ARGS[name] ?? {}).replaceAll("/srv/app", root)) as Record<string, unknown>;
    return name === "write_config_file" ? { ...args, dry_run: false } : args;
  }

  const policy = fc.oneof(
    { weight: 6, arbitrary: richValidModel(privileged).map((model) => ({ kind: "valid", bytes: Buffer.from(render(model)) })) },
    // With the corpus's config target always declared: a write to an undeclared target is refused
    // by the tool's pre-queue check, which would hide whether approval was asked for.
    { weight: 1, arbitrary: validModel.map((model) => ({ kind: "valid", bytes: Buffer.from(render({ ...model, targets: [VALID_TARGET] })) })) },
    { weight: 2, arbitrary: malformedPolicy.map(({ bytes }) => ({ kind: "malformed", bytes })) },
  );

  it("should agree on enabled and needs-approval for every tool under every corpus policy", async () => {
    const seen = { approval: 0, ran: 0, disabled: 0, restricted: 0, cases: 0 };
    await fc.assert(
      fc.asyncProperty(policy, async ({ bytes }) => {
        writePolicy(Buffer.from(bytes.toString("utf8").replaceAll("/srv/app", root)));
        const listed = new Map(runtime.listTools().map((tool) => [tool.name, tool]));
        for (const name of Object.keys(VALID_ARGS)) {
          const tool = listed.get(name);
          if (tool === undefined) throw new Error(`${name} is not listed`);
          const result = await runtime.call(name, argumentsOf(name), { caller: { kind: "cli", name: "property" } });
          const where = `${name} under policy:\n${bytes.toString("utf8")}\nlisted ${JSON.stringify({ enabled: tool.enabled, requiresConfirmation: tool.requiresConfirmation })}, call ${JSON.stringify(result)}`;
          if (result.status === "approval_required") {
            seen.approval += 1;
            if (!tool.enabled || !tool.requiresConfirmation) throw new Error(`the call needed approval, the list said not: ${where}`);
          } else if (result.status === "denied" && DISABLED.has(result.code)) {
            seen.disabled += 1;
            if (tool.enabled) throw new Error(`the call found the tool disabled, the list said enabled: ${where}`);
          } else if (result.status === "denied" && RESTRICTED.has(result.code)) {
            seen.restricted += 1;
            if (!tool.enabled) throw new Error(`the call reached the scope/unit check, the list said disabled: ${where}`);
          } else {
            // It ran (ok, or failed in the tool): no approval was asked for.
            seen.ran += 1;
            if (!tool.enabled || tool.requiresConfirmation)
              throw new Error(`the call ran without approval, the list said ${tool.enabled ? "it needs approval" : "disabled"}: ${where}`);
          }
        }
        seen.cases += 1;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`tool status property (seed ${SEED}): ${seen.cases} policies × ${Object.keys(VALID_ARGS).length} tools — ${JSON.stringify(seen)}`);
    // Every branch was exercised, so the property could have failed in each direction.
    expect(seen.cases).toBe(RUNS);
    for (const count of [seen.approval, seen.ran, seen.disabled, seen.restricted]) expect(count).toBeGreaterThan(0);
  }, 600_000);
});
