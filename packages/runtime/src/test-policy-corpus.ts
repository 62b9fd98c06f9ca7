// The policy fuzz corpus, shared by the runtime's property tests: generated valid policies (every
// tool key with values that load) and malformed ones (unknown keys, wrong values, broken TOML).
import fc from "fast-check";
import { VALID_ARGS } from "./fuzz-support.js";

/** A policy as key/value lines whose values are TOML source text, so wrong types are easy to write. */
export interface PolicyModel {
  top: [string, string][];
  approvals?: [string, string][];
  tools: [string, [string, string][]][];
  targets: [string, string][][];
}

export const VALID_TARGET: [string, string][] = [
  ["name", '"app"'],
  ["roots", '["/srv/app"]'],
  ["file_globs", '["*.ini"]'],
  ["validator", '"ini_parse"'],
];

/** Values the schema refuses for each known key (types, ranges, bad globs, bad names). */
const WRONG_VALUES: Record<string, string[]> = {
  version: ["2", "0", "-1", '"1"', "1.0", "true", "[1]", "{ v = 1 }", "1979-05-27", "99999999999999999999"],
  enabled: ['"yes"', "1", "0", "[true]", "{ on = true }", "1.5"],
  require_confirmation: ['"true"', "1", "[]", "{}", "2024-01-01T00:00:00Z"],
  allowed_scopes: ['["root"]', '"system"', "[1]", '["system", "User"]', "{ system = true }", "true"],
  service_patterns: ['["app-[.service"]', '"nginx.service"', "[1]", '[""]', '["ok.service", ["nested"]]'],
  expiry_minutes: ["0", "1441", "-5", "1.5", '"15"', "true"],
  allow_elicitation: ['"no"', "0", '["root"]', '["privileged", 1]'],
  name: ['""', '"a b"', "5", '"../x"'],
  roots: ["[]", '"x"', "[1]", '[""]'],
  file_globs: ["[]", '["/abs/*.ini"]', '["[x"]', '["../a.ini"]', '"*.ini"'],
  validator: ['"xml_parse"', "1", '"INI_PARSE"', '["ini_parse"]'],
};

/** Lines that are never valid TOML wherever they stand. */
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

export const TOOL_NAMES = Object.keys(VALID_ARGS);
const TOOL_KEYS = ["enabled", "require_confirmation", "allowed_scopes", "service_patterns"];
const KNOWN_KEYS: Record<string, string[]> = {
  top: ["version", "approvals", "tools", "config_targets"],
  approvals: ["expiry_minutes", "allow_elicitation"],
  tool: TOOL_KEYS,
  target: ["name", "description", "roots", "file_globs", "validator", "validator_command"],
};

export function render(model: PolicyModel): string {
  const lines = model.top.map(([key, value]) => `${key} = ${value}`);
  if (model.approvals) lines.push("[approvals]", ...model.approvals.map(([key, value]) => `${key} = ${value}`));
  for (const [name, entries] of model.tools) lines.push(`[tools.${name}]`, ...entries.map(([key, value]) => `${key} = ${value}`));
  for (const target of model.targets) lines.push("[[config_targets]]", ...target.map(([key, value]) => `${key} = ${value}`));
  return `${lines.join("\n")}\n`;
}

const toolName = fc.constantFrom(...TOOL_NAMES);

export const validModel: fc.Arbitrary<PolicyModel> = fc.record({
  top: fc.constant<[string, string][]>([["version", "1"]]),
  approvals: fc.option(
    fc.subarray<[string, string]>([
      ["expiry_minutes", "30"],
      ["allow_elicitation", "false"],
    ]),
    { nil: undefined },
  ),
  tools: fc.uniqueArray(
    fc.tuple(
      fc.constantFrom("memory_usage", "service_status", "system_info", "read_journal"),
      fc.subarray<[string, string]>([
        ["enabled", "true"],
        ["allowed_scopes", '["system"]'],
        ["service_patterns", '["mc-*.service"]'],
      ]),
    ),
    { maxLength: 3, selector: ([name]) => name },
  ),
  targets: fc.array(fc.constant(VALID_TARGET), { maxLength: 1 }),
});

function unknownKey(level: string): fc.Arbitrary<string> {
  return fc
    .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("enable", "Version", "timeout", "scopes", "__proto__", "constructor", "0"))
    .filter((key) => !(KNOWN_KEYS[level] ?? []).includes(key))
    .map((key) => JSON.stringify(key));
}

const anyValue = fc.constantFrom("1", '"x"', "true", "[1, 2]", "{ a = 1 }", "1.5", "2026-01-01");

type Mutation = { label: string; apply: (model: PolicyModel) => void };

function pickWrong(key: string, pick: number): string {
  const values = WRONG_VALUES[key] ?? ["[[]]"];
  return values[pick % values.length] ?? "[[]]";
}

function setToolKey(model: PolicyModel, name: string, key: string, value: string): void {
  const section = model.tools.find(([existing]) => existing === name);
  if (section) section[1] = [...section[1].filter(([existing]) => existing !== key), [key, value]];
  else model.tools.push([name, [[key, value]]]);
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(unknownKey("top"), anyValue).map(([key, value]) => ({ label: "unknown top key", apply: (model: PolicyModel) => void model.top.push([key, value]) })),
  fc
    .tuple(unknownKey("approvals"), anyValue)
    .map(([key, value]) => ({ label: "unknown approvals key", apply: (model: PolicyModel) => void (model.approvals ??= []).push([key, value]) })),
  fc
    .tuple(toolName, unknownKey("tool"), anyValue)
    .map(([name, key, value]) => ({ label: "unknown tool key", apply: (model: PolicyModel) => setToolKey(model, name, key, value) })),
  fc.tuple(unknownKey("target"), anyValue).map(([key, value]) => ({
    label: "unknown target key",
    apply: (model: PolicyModel) => {
      if (model.targets.length === 0) model.targets.push([...VALID_TARGET]);
      model.targets[0]?.push([key, value]);
    },
  })),
  fc
    .string({ minLength: 1, maxLength: 16 })
    .filter((name) => !TOOL_NAMES.includes(name) && name !== "daemon_reload")
    .map((name) => ({ label: "unknown tool", apply: (model: PolicyModel) => void model.tools.push([JSON.stringify(name), [["enabled", "true"]]]) })),
  fc.nat().map((pick) => ({ label: "wrong version", apply: (model: PolicyModel) => void (model.top[0] = ["version", pickWrong("version", pick)]) })),
  fc.constant({ label: "missing version", apply: (model: PolicyModel) => void (model.top = model.top.filter(([key]) => key !== "version")) }),
  fc.tuple(fc.constantFrom("expiry_minutes", "allow_elicitation"), fc.nat()).map(([key, pick]) => ({
    label: `wrong ${key}`,
    apply: (model: PolicyModel) => {
      model.approvals = [...(model.approvals ?? []).filter(([existing]) => existing !== key), [key, pickWrong(key, pick)]];
    },
  })),
  fc.tuple(toolName, fc.constantFrom(...TOOL_KEYS), fc.nat()).map(([name, key, pick]) => ({
    label: `wrong tool ${key}`,
    apply: (model: PolicyModel) => setToolKey(model, name, key, pickWrong(key, pick)),
  })),
  fc.tuple(fc.constantFrom("name", "roots", "file_globs", "validator"), fc.nat()).map(([key, pick]) => ({
    label: `wrong target ${key}`,
    apply: (model: PolicyModel) => {
      const target = model.targets[0] ?? [...VALID_TARGET];
      model.targets[0] = [...target.filter(([existing]) => existing !== key), [key, pickWrong(key, pick)]];
    },
  })),
  fc.constantFrom("restart_service", "write_config_file", "restore_config_backup").map((name) => ({
    label: "privileged tool without confirmation",
    apply: (model: PolicyModel) => setToolKey(model, name, "require_confirmation", "false"),
  })),
);

/** Raw damage to the rendered text: a broken line, a cut inside a string, NUL or invalid UTF-8 bytes. */
type Damage = { label: string; apply: (text: Buffer) => Buffer };
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.tuple(fc.constantFrom(...BROKEN_LINES), fc.nat()).map(([line, at]) => ({
    label: "broken TOML line",
    apply: (text: Buffer) => {
      const lines = text.toString("utf8").split("\n");
      lines.splice(at % lines.length, 0, line);
      return Buffer.from(lines.join("\n"));
    },
  })),
  fc.nat().map((at) => ({
    label: "truncated inside a string",
    apply: (text: Buffer) => {
      // "version = 1" has no quote; a valid model always gets one below if it has none.
      const source = text.includes('"') ? text : Buffer.concat([text, Buffer.from('[approvals]\nnote = "x"\n')]);
      const quotes = [...source.toString("latin1").matchAll(/"/g)].map((match) => match.index ?? 0);
      const openings = quotes.filter((_, index) => index % 2 === 0);
      return source.subarray(0, (openings[at % openings.length] ?? 0) + 2);
    },
  })),
  fc.constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0x00]), Buffer.from([0xed, 0xa0, 0x80])).map((junk) => ({
    label: "binary junk in a value",
    apply: (text: Buffer) => Buffer.concat([text, Buffer.from('[approvals]\nexpiry_minutes = "'), junk, Buffer.from('"\n')]),
  })),
);

export const malformedPolicy = fc
  .tuple(validModel, fc.array(mutation, { minLength: 0, maxLength: 3 }), fc.option(damage, { freq: 3 }))
  .filter(([, mutations, damaged]) => mutations.length > 0 || damaged !== null)
  .map(([generated, mutations, damaged]) => {
    const model = structuredClone(generated);
    for (const item of mutations) item.apply(model);
    let bytes: Buffer = Buffer.from(render(model));
    if (damaged) bytes = damaged.apply(bytes);
    return { bytes, labels: [...mutations.map((item) => item.label), ...(damaged ? [damaged.label] : [])] };
  });

/**
 * Valid policies that use every tool key on any tool with values that load: `enabled`,
 * `require_confirmation` (false only where the tool is not privileged: that would not load),
 * `allowed_scopes` and `service_patterns` — the cases where a tool list and a call could disagree.
 * @param privileged - names of the privileged tools
 * @returns the generator
 */
export function richValidModel(privileged: readonly string[]): fc.Arbitrary<PolicyModel> {
  const toolSection = toolName.chain((name) =>
    fc.tuple(
      fc.constant(name),
      fc
        .record(
          {
            enabled: fc.constantFrom("true", "false"),
            require_confirmation: privileged.includes(name) ? fc.constant("true") : fc.constantFrom("true", "false"),
            allowed_scopes: fc.constantFrom('["system"]', '["user"]', '["system", "user"]'),
            service_patterns: fc.constantFrom('["mc-*.service"]', '["nginx.service"]', '["*"]'),
          },
          { requiredKeys: [] },
        )
        .map((entries) => Object.entries(entries as Record<string, string | undefined>).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ),
  );
  return fc.record({
    top: fc.constant<[string, string][]>([["version", "1"]]),
    approvals: fc.constant(undefined),
    tools: fc.uniqueArray(toolSection, { maxLength: 8, selector: ([name]) => name }),
    targets: fc.constant([VALID_TARGET]),
  });
}
