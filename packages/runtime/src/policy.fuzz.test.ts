// Property test through the whole runtime: a policy file that does not load must deny every
// tool (fail closed) and make doctor report not ok, whatever is wrong with it. @mc/policy has its
// own property test of the loader; this one proves the runtime wires that failure to every call.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED, VALID_ARGS } from "./fuzz-support.js";
import { malformedPolicy } from "./test-policy-corpus.js";
import { createRuntime, type Runtime } from "./runtime.js";

const RUNS = Number(process.env.MC_FUZZ_POLICY_RUNS ?? 1_000);
/** Tools called per case, rotating through all of them (each call writes an audit event, ~2 ms). */
const TOOLS_PER_CASE = 5;
/**
 * doctor() spawns systemctl and journalctl (~20 ms each here) and verifies the audit chain,
 * so it runs on every DOCTOR_EVERY-th case; every case checks the policy the doctor reports on.
 */
const DOCTOR_EVERY = 10;

describe("runtime with a malformed policy file (property)", () => {
  let dir: string;
  let policyPath: string;
  let runtime: Runtime;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mc-policy-fuzz-"));
    policyPath = join(dir, "policy.toml");
    // No command prefix and nothing should run; an empty env keeps the host's MC_* out.
    runtime = createRuntime({ stateDir: join(dir, "state"), policyPath, env: {} });
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Replaces the policy file atomically (new inode), as an editor would. */
  function writePolicy(bytes: Buffer | string): void {
    writeFileSync(`${policyPath}.tmp`, bytes);
    renameSync(`${policyPath}.tmp`, policyPath);
  }

  it("should run memory_usage under an unmutated policy (the property below can fail)", async () => {
    writePolicy("version = 1\n[tools.memory_usage]\nenabled = true\n");
    expect(await runtime.call("memory_usage", {}, { caller: { kind: "embedded", name: "fuzz" } })).toMatchObject({ status: "ok" });
  });

  it("should deny every tool with policy_load_error and report doctor not ok for 1,000 malformed policies", async () => {
    const labels = new Map<string, number>();
    let cases = 0;
    let calls = 0;
    let doctors = 0;
    const denied = new Map<string, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(malformedPolicy, async ({ bytes, labels: caseLabels }) => {
        writePolicy(bytes);
        const entries = Object.entries(VALID_ARGS);
        for (let offset = 0; offset < TOOLS_PER_CASE; offset += 1) {
          const [name, args] = entries[(cases * TOOLS_PER_CASE + offset) % entries.length] ?? ["memory_usage", {}];
          denied.set(name, (denied.get(name) ?? 0) + 1);
          const result = await runtime.call(name, args, { caller: { kind: "mcp", name: "fuzz" } });
          calls += 1;
          if (result.status !== "denied" || result.code !== "policy_load_error") {
            throw new Error(`${name} was not denied with policy_load_error (${JSON.stringify(result)}) under policy:\n${bytes.toString("utf8")}`);
          }
        }
        const policy = runtime.policy();
        if (policy.ok || policy.diagnostics.ok) throw new Error(`the runtime's policy is ok:\n${bytes.toString("utf8")}`);
        if (cases % DOCTOR_EVERY === 0) {
          const report = await runtime.doctor();
          doctors += 1;
          if (report.ok || report.checks.find((check) => check.name === "policy")?.ok !== false) {
            throw new Error(`doctor reported the policy ok:\n${bytes.toString("utf8")}`);
          }
        }
        cases += 1;
        for (const label of caseLabels) labels.set(label, (labels.get(label) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `policy fuzz (seed ${SEED}): ${cases} malformed policies, ${calls} tool calls denied with policy_load_error (${denied.size} tools: ${JSON.stringify(Object.fromEntries(denied))}), policy not ok each time, doctor not ok ${doctors} times, ${Date.now() - started} ms; mutations: ${JSON.stringify(Object.fromEntries([...labels].sort()))}`,
    );
    expect(cases).toBe(RUNS);
    expect(denied.size).toBe(Object.keys(VALID_ARGS).length);
  }, 120_000);
});
