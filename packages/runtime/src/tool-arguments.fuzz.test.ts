// Property test of every tool's input boundary: arguments that break a tool's input schema are
// refused as input_invalid before the policy, the approval queue or any process is reached.
// Commands go through a recording wrapper (it logs its argv, then execs the real command), so
// "no process started" is read from a log, not assumed.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harnessForTests } from "@mc/systemd-harness";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED, VALID_ARGS } from "./fuzz-support.js";
import { storeView } from "./test-store-view.js";
import { createRuntime, type Runtime, type ToolInfo } from "./runtime.js";

const RUNS_PER_TOOL = Number(process.env.MC_FUZZ_ARGUMENT_RUNS ?? 150);

const harness = await harnessForTests();

/** Strings an agent might try in a unit, path or name: separators, options, shell, control bytes. */
const HOSTILE_STRINGS = [
  "",
  " ",
  "-H",
  "--user",
  "--help",
  "-",
  "../../etc/shadow",
  "etc/passwd",
  "a;rm -rf /",
  "$(id)",
  "`id`",
  "x|y",
  "a b.service",
  "nginx.service\n",
  "nginx.service\u0000",
  "\u0000",
  "\r\n",
  "ünit.service",
  "nginx.service --now",
  "*",
  "?",
  "a/b.service",
  "\u202Eecivres.x",
  "%s%n",
  "${IFS}",
];

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** Values of the wrong JSON type for a property. */
function wrongTypes(property: JsonProperty): unknown[] {
  const all: unknown[] = ["1", 1, 1.5, true, null, [], ["x"], {}, { a: 1 }];
  switch (property.type) {
    case "string":
      return all.filter((value) => typeof value !== "string");
    case "integer":
      return [...all.filter((value) => typeof value !== "number"), 1.5, -0.5];
    case "number":
      return all.filter((value) => typeof value !== "number");
    case "boolean":
      return [...all.filter((value) => typeof value !== "boolean"), "true", "false", 0];
    default:
      return all;
  }
}

/** Values of the right type that break a constraint of the property (range, length, pattern, enum). */
function brokenValues(property: JsonProperty): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  if (property.type === "integer" || property.type === "number") {
    if (property.minimum !== undefined) out.push(fc.integer({ min: -1e9, max: property.minimum - 1 }), fc.constant(-Number.MAX_SAFE_INTEGER));
    if (property.maximum !== undefined) out.push(fc.integer({ min: property.maximum + 1, max: 1e12 }), fc.constant(1e300));
    // NaN and Infinity are left out (no JSON can carry them): see the known failure below.
  }
  if (property.enum !== undefined) {
    const allowed = property.enum;
    out.push(
      fc
        .oneof(fc.constantFrom("System", "USER", "root", "global", "system ", ...HOSTILE_STRINGS), fc.string({ maxLength: 8 }))
        .filter((value) => !allowed.includes(value)),
    );
  }
  if (property.type === "string") {
    if (property.minLength !== undefined && property.minLength > 0) out.push(fc.constant(""));
    if (property.maxLength !== undefined) {
      const max = property.maxLength;
      out.push(fc.integer({ min: max + 1, max: max + 64 }).map((length) => "a".repeat(length)));
    }
    if (property.pattern !== undefined) {
      const pattern = new RegExp(property.pattern, "u");
      out.push(
        fc
          .oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 24 }), fc.string({ unit: "binary", maxLength: 12 }))
          .filter(
            (value) => value.length >= (property.minLength ?? 0) && value.length <= (property.maxLength ?? Number.MAX_SAFE_INTEGER) && !pattern.test(value),
          ),
      );
    }
  }
  return out;
}

/** Generated arguments for one tool that its input schema refuses, with what was broken. */
function invalidArguments(tool: ToolInfo): fc.Arbitrary<{ args: unknown; broken: string }> {
  const base = VALID_ARGS[tool.name] ?? {};
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, JsonProperty>;
  const required = (tool.inputSchema.required ?? []) as string[];
  // approval_id is split off by the runtime before validation, so it is never "unknown".
  const names = Object.keys(properties).filter((name) => name !== "approval_id");
  const choices: fc.Arbitrary<{ args: unknown; broken: string }>[] = [
    // An empty array (and a Date: any non-plain object without keys) is left out: see the known failure below.
    fc.constantFrom<unknown>([base], ["x"], "memory", 42, true, 0, "").map((args) => ({ args, broken: "not an object" })),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom("units", "Unit", "SCOPE", "constructor", "toString", "dryRun", "force", "path ", ""),
          fc.string({ minLength: 1, maxLength: 10 }),
        ),
        fc.jsonValue(),
      )
      // __proto__ is left out here: see the known failure below.
      .filter(([key]) => !Object.hasOwn(properties, key) && key !== "__proto__")
      .map(([key, value]) => ({
        args: Object.defineProperty({ ...base }, key, { value, enumerable: true, writable: true, configurable: true }),
        broken: "unknown key",
      })),
  ];
  for (const name of required) {
    choices.push(fc.constant({ args: Object.fromEntries(Object.entries(base).filter(([key]) => key !== name)), broken: `missing ${name}` }));
  }
  for (const name of names) {
    const property = properties[name] ?? {};
    choices.push(fc.constantFrom(...wrongTypes(property)).map((value) => ({ args: { ...base, [name]: value }, broken: `wrong type of ${name}` })));
    for (const broken of brokenValues(property)) choices.push(broken.map((value) => ({ args: { ...base, [name]: value }, broken: `bad ${name}` })));
  }
  return fc.oneof(...choices);
}

describe("every tool's input schema against generated invalid arguments (property)", () => {
  let dir: string;
  let logPath: string;
  let runtime: Runtime;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mc-args-fuzz-"));
    logPath = join(dir, "argv.log");
    writeFileSync(logPath, "");
    const wrapper = join(dir, "record.sh");
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logPath}'\nexec "$@"\n`);
    chmodSync(wrapper, 0o755);
    // Every tool allowed and, where the policy may say so, without confirmation: a refusal can only
    // come from the input check.
    const policy = [
      "version = 1",
      ...[
        "system_info",
        "disk_usage",
        "memory_usage",
        "top_processes",
        "process_to_unit",
        "read_journal",
        "failed_services",
        "service_status",
        "reload_service",
      ].flatMap((name) => [
        `[tools.${name}]`,
        "enabled = true",
        "require_confirmation = false",
        ...(["failed_services", "service_status", "read_journal", "reload_service"].includes(name) ? ['allowed_scopes = ["system", "user"]'] : []),
      ]),
      "[[config_targets]]",
      'name = "app"',
      `roots = ["${join(dir, "app")}"]`,
      'file_globs = ["*.ini"]',
      'validator = "ini_parse"',
      "",
    ].join("\n");
    writeFileSync(join(dir, "policy.toml"), policy);
    runtime = createRuntime({
      stateDir: join(dir, "state"),
      policyPath: join(dir, "policy.toml"),
      commandPrefix: [wrapper, ...(harness.available ? harness.prefix : [])],
      env: {},
    });
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const caller = { caller: { kind: "mcp" as const, name: "fuzz" } };

  it("should load the test policy and record the argv of a valid command (the properties below can fail)", async () => {
    expect(runtime.policy().ok).toBe(true);
    await runtime.call("service_status", VALID_ARGS.service_status, caller);
    expect(readFileSync(logPath, "utf8")).toContain("systemctl");
    const pending = await runtime.call("restart_service", VALID_ARGS.restart_service, caller);
    expect(pending.status).toBe("approval_required");
  });

  it("should have valid base arguments for every listed tool", () => {
    const names = runtime.listTools().map((tool) => tool.name);
    expect(names.filter((name) => !(name in VALID_ARGS))).toStrictEqual([]);
    expect(names.length).toBeGreaterThan(10);
  });

  // valibot's strictObject takes an array for an object: the runtime refuses it first.
  it("should refuse an empty array as arguments of a tool without required arguments", async () => {
    const result = await runtime.call("memory_usage", [], caller);
    expect(result).toMatchObject({ status: "error", code: "input_invalid" });
  });

  // An own "__proto__" key (as JSON.parse makes it) is refused, and the refusal is audited.
  it("should refuse an own __proto__ key as input_invalid and audit it", async () => {
    const result = await runtime.call("memory_usage", JSON.parse('{"__proto__": []}'), caller);
    expect(result).toMatchObject({ status: "error", code: "input_invalid" });
    const [event] = await runtime.audit.list({ tool: "memory_usage", limit: 1 });
    expect(event).toMatchObject({ outcome: "error", arguments: JSON.parse('{"__proto__": []}') });
  });

  // Embedded callers can pass what JSON cannot (NaN, Infinity): refused, and audited described.
  it("should refuse an infinite limit as input_invalid", async () => {
    const result = await runtime.call("top_processes", { limit: Number.POSITIVE_INFINITY }, caller);
    expect(result).toMatchObject({ status: "error", code: "input_invalid" });
  });

  it("should refuse generated invalid arguments as input_invalid for every tool, before any process or approval", async () => {
    const store = storeView(runtime);
    const ranBefore = (await store.listAudit({ outcome: "ok", limit: 10_000 })).length;
    const counts: Record<string, number> = {};
    const kinds = new Map<string, number>();
    const started = Date.now();
    for (const [index, tool] of runtime.listTools().entries()) {
      const approvalsBefore = (await store.list({ limit: 1_000 })).length;
      await fc.assert(
        fc.asyncProperty(invalidArguments(tool), async ({ args, broken }) => {
          const logBefore = statSync(logPath).size;
          const result = await runtime.call(tool.name, args, caller);
          if (result.status !== "error" || result.code !== "input_invalid") {
            throw new Error(`${tool.name} (${broken}) was not input_invalid: ${JSON.stringify(result)}`);
          }
          const logAfter = statSync(logPath).size;
          if (logAfter !== logBefore) throw new Error(`${tool.name} (${broken}) started a process: ${readFileSync(logPath, "utf8").slice(logBefore)}`);
          counts[tool.name] = (counts[tool.name] ?? 0) + 1;
          kinds.set(broken.replace(/ of \w+$| \w+$/, ""), (kinds.get(broken.replace(/ of \w+$| \w+$/, "")) ?? 0) + 1);
        }),
        // One seed per tool, derived from the run's seed, so one tool's counterexample replays alone.
        { seed: SEED + index, numRuns: RUNS_PER_TOOL },
      );
      // Invalid input never reaches the approval queue (for mutating tools it would otherwise ask).
      expect((await store.list({ limit: 1_000 })).length).toBe(approvalsBefore);
    }
    const audited = await store.listAudit({ outcome: "ok", limit: 10_000 });
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    console.log(
      `tool-arguments fuzz (seed ${SEED}+tool index): ${total} invalid argument sets across ${Object.keys(counts).length} tools refused as input_invalid, no process started, no approval requested, ${Date.now() - started} ms; per tool ${JSON.stringify(counts)}; kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
    expect(Object.keys(counts).length).toBe(runtime.listTools().length);
    // No generated call ran a tool.
    expect(audited.length).toBe(ranBefore);
  }, 120_000);
});
