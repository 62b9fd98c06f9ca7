import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "./decide.js";
import { loadPolicy } from "./load-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

/** A policy model whose values are TOML source text, so wrong types are easy to write. */
interface PolicyModel {
  top: [string, string][];
  approvals?: [string, string][];
  tools: [string, [string, string][]][];
  targets: [string, string][][];
}

const VALID_TARGET: [string, string][] = [
  ["name", '"app"'],
  ["roots", '["/srv/app"]'],
  ["file_globs", '["*.ini"]'],
  ["validator", '"ini_parse"'],
];

/** Wrong values for every known key: each is refused by the schema. */
const WRONG_VALUES: Record<string, string[]> = {
  version: ["2", "0", "-1", '"1"', "1.0", "true", "[1]", "{ v = 1 }", "1979-05-27"],
  enabled: ['"yes"', "1", "0", "[true]", "{ on = true }", "1.5"],
  require_confirmation: ['"true"', "1", "[]", "{}", "2024-01-01T00:00:00Z"],
  allowed_scopes: ['["root"]', '"system"', "[1]", '["system", "User"]', "{ system = true }", "true"],
  service_patterns: ['["app-[.service"]', '"nginx.service"', "[1]", '[""]', '["ok.service", ["nested"]]', '["x\\\\"]'],
  expiry_minutes: ["0", "1441", "-5", "1.5", '"15"', "true", "99999999999999999999"],
  allow_elicitation: ['"no"', "0", '["root"]', '["privileged", 1]'],
  name: ['""', '"a b"', "5", '"../x"', '".hidden"'],
  description: ["5", "true", '["x"]'],
  roots: ["[]", '"x"', "[1]", '["$HOME/x"]', '[""]'],
  file_globs: ["[]", '["/abs/*.ini"]', '["[x"]', '["../a.ini"]', '["a//b.ini"]', '"*.ini"'],
  validator: ['"xml_parse"', "1", '"INI_PARSE"', '["ini_parse"]'],
  validator_command: ['["true"]', '"x {path}"', "[]"],
};

/** Lines that are never valid TOML wherever they stand between top-level lines. */
const BROKEN_LINES = [
  'key = "unterminated',
  "[unclosed",
  "= 1",
  "x = ",
  "x = 1 2",
  "[[ ]]",
  '"k" = tru',
  "a.=1",
  "x = [1,",
  "x = { a = 1",
  "x = 0x",
  "x = 1979-13-45",
];

const TOOL_SECTION_KEYS = ["enabled", "require_confirmation", "allowed_scopes", "service_patterns"];
const KNOWN_KEYS: Record<string, string[]> = {
  top: ["version", "approvals", "tools", "config_targets"],
  approvals: ["expiry_minutes", "allow_elicitation"],
  tool: TOOL_SECTION_KEYS,
  target: ["name", "description", "roots", "file_globs", "validator", "validator_command"],
};

function render(model: PolicyModel): string[] {
  const lines = model.top.map(([key, value]) => `${key} = ${value}`);
  if (model.approvals) lines.push("[approvals]", ...model.approvals.map(([key, value]) => `${key} = ${value}`));
  for (const [name, entries] of model.tools) lines.push(`[tools.${name}]`, ...entries.map(([key, value]) => `${key} = ${value}`));
  for (const target of model.targets) lines.push("[[config_targets]]", ...target.map(([key, value]) => `${key} = ${value}`));
  return lines;
}

const toolName = fc.constantFrom(...MC_TOOLS.map((tool) => tool.name));

const validToolEntries = fc.subarray<[string, string]>([
  ["enabled", "true"],
  ["require_confirmation", "true"],
  ["allowed_scopes", '["system"]'],
  ["service_patterns", '["nginx.service", "app-*.service"]'],
]);

const validModel: fc.Arbitrary<PolicyModel> = fc.record({
  top: fc.constant<[string, string][]>([["version", "1"]]),
  approvals: fc.option(
    fc.subarray<[string, string]>([
      ["expiry_minutes", "30"],
      ["allow_elicitation", "false"],
    ]),
    { nil: undefined },
  ),
  tools: fc.uniqueArray(fc.tuple(toolName, validToolEntries), { maxLength: 4, selector: ([name]) => name }),
  targets: fc.array(fc.constant(VALID_TARGET), { maxLength: 1 }),
});

/** A key that is not known at the given level, written as a TOML key. */
function unknownKey(level: string): fc.Arbitrary<string> {
  return fc
    .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("enable", "Version", "timeout", "scopes", "__proto__", "constructor", "0"))
    .filter((key) => !(KNOWN_KEYS[level] ?? []).includes(key))
    .map((key) => JSON.stringify(key));
}

const anyValue = fc.constantFrom("1", '"x"', "true", "[1, 2]", "{ a = 1 }", "1.5", "2026-01-01");

type Mutation = (model: PolicyModel) => void;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // An unknown key at the top, in [approvals], in a tool section or in a target.
  fc.tuple(unknownKey("top"), anyValue).map(
    ([key, value]): Mutation =>
      (model) =>
        void model.top.push([key, value]),
  ),
  fc.tuple(unknownKey("approvals"), anyValue).map(
    ([key, value]): Mutation =>
      (model) =>
        void (model.approvals ??= []).push([key, value]),
  ),
  fc.tuple(toolName, unknownKey("tool"), anyValue).map(([name, key, value]): Mutation => (model) => {
    const section = model.tools.find(([existing]) => existing === name);
    if (section) section[1].push([key, value]);
    else model.tools.push([name, [[key, value]]]);
  }),
  fc.tuple(unknownKey("target"), anyValue).map(([key, value]): Mutation => (model) => {
    if (model.targets.length === 0) model.targets.push([...VALID_TARGET]);
    (model.targets[0] as [string, string][]).push([key, value]);
  }),
  // A tool the registry does not know.
  fc
    .string({ minLength: 1, maxLength: 16 })
    .filter((name) => !MC_TOOLS.some((tool) => tool.name === name))
    .map(
      (name): Mutation =>
        (model) =>
          void model.tools.push([JSON.stringify(name), [["enabled", "true"]]]),
    ),
  // A wrong value for a known key.
  fc.constantFrom(...WRONG_VALUES.version!).map(
    (value): Mutation =>
      (model) =>
        void (model.top[0] = ["version", value]),
  ),
  fc.tuple(fc.constantFrom("expiry_minutes", "allow_elicitation"), fc.nat()).map(([key, pick]): Mutation => (model) => {
    const values = WRONG_VALUES[key]!;
    (model.approvals ??= []).push([key, values[pick % values.length]!]);
    model.approvals = model.approvals.filter(([existing], index, all) => existing !== key || index === all.length - 1);
  }),
  fc.tuple(toolName, fc.constantFrom(...TOOL_SECTION_KEYS), fc.nat()).map(([name, key, pick]): Mutation => (model) => {
    const values = WRONG_VALUES[key]!;
    const value = values[pick % values.length]!;
    const section = model.tools.find(([existing]) => existing === name);
    if (section) section[1] = [...section[1].filter(([existing]) => existing !== key), [key, value]];
    else model.tools.push([name, [[key, value]]]);
  }),
  fc.tuple(fc.constantFrom(...KNOWN_KEYS.target!), fc.nat()).map(([key, pick]): Mutation => (model) => {
    const values = WRONG_VALUES[key]!;
    if (model.targets.length === 0) model.targets.push([...VALID_TARGET]);
    const target = model.targets[0] as [string, string][];
    model.targets[0] = [...target.filter(([existing]) => existing !== key), [key, values[pick % values.length]!]];
  }),
  // Privileged tools may not lose their confirmation.
  fc.constantFrom("restart_service", "write_config_file", "restore_config_backup").map((name): Mutation => (model) => {
    model.tools = model.tools.filter(([existing]) => existing !== name);
    model.tools.push([name, [["require_confirmation", "false"]]]);
  }),
  // The version key is missing.
  fc.constant<Mutation>((model) => void (model.top = model.top.filter(([key]) => key !== "version"))),
);

const malformedPolicy = fc
  .tuple(validModel, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(fc.constantFrom(...BROKEN_LINES), fc.nat())))
  .map(([generated, mutations, broken]) => {
    // Generated values can share constants between runs: mutate a copy only.
    const model = structuredClone(generated);
    for (const mutate of mutations) mutate(model);
    const lines = render(model);
    if (broken) lines.splice(broken[1] % (lines.length + 1), 0, broken[0]);
    return `${lines.join("\n")}\n`;
  });

describe("loadPolicy on generated malformed policies", () => {
  it("should never throw and always deny every tool with policy_load_error", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    let runs = 0;
    fc.assert(
      fc.property(malformedPolicy, (text) => {
        runs += 1;
        writeFileSync(path, text);
        const policy = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
        expect(policy.ok).toBe(false);
        expect(policy.diagnostics.ok).toBe(false);
        expect(policy.diagnostics.errors.length).toBeGreaterThan(0);
        for (const error of policy.diagnostics.errors) {
          expect(error.message.startsWith(`${path}:${error.line}:${error.column}: `)).toBe(true);
        }
        for (const tool of MC_TOOLS) {
          const decision = decide(policy, { tool, scope: "system", unit: "nginx.service" });
          expect(decision).toStrictEqual({ allowed: false, code: "policy_load_error", reason: `Policy load error: ${policy.diagnostics.errors[0]?.message}` });
        }
      }),
      { seed: 20_261_125, numRuns: 400 },
    );
    expect(runs).toBe(400);
  });

  it("should accept the valid policies the generator starts from (so the mutations are what fails)", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    fc.assert(
      fc.property(validModel, (model) => {
        writeFileSync(path, `${render(model).join("\n")}\n`);
        const policy = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
        expect(policy.diagnostics.errors).toStrictEqual([]);
        expect(policy.ok).toBe(true);
      }),
      { seed: 20_261_125, numRuns: 100 },
    );
  });
});
