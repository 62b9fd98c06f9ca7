import * as v from "valibot";
import { describeValue } from "./describe-value.js";
import { compileGlob, RISK_LEVELS, SCOPES } from "@mc/core";
import type { PolicyTool } from "./policy-tool.js";

/** Validators a config target may name. */
export const VALIDATOR_KINDS = ["ini_parse", "json_parse", "toml_parse", "command"] as const;

/** Smallest and largest `approvals.expiry_minutes`. */
export const EXPIRY_MINUTES_RANGE = { min: 1, max: 1440 } as const;

/**
 * Smallest and largest `[tools.NAME] timeout_s`: how long an action (systemctl's job, a config
 * write's validator) may run. 900 s is ten times systemd's own 90 s start/stop timeouts.
 */
export const TIMEOUT_SECONDS_RANGE = { min: 1, max: 900 } as const;

const TARGET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

function expected(description: string) {
  return (issue: v.BaseIssue<unknown>) => `expected ${description}, got ${describeValue(issue.input)}`;
}

const booleanSchema = v.boolean(expected("a boolean (true or false)"));

const RISK_LEVEL_NAMES = RISK_LEVELS.map((level) => `"${level}"`).join(", ");

// `allow_elicitation`: a list of risk levels, or the older boolean (true = ["mutating_safe"]).
const elicitationSchema = v.union([v.boolean(), v.array(v.picklist(RISK_LEVELS))], (issue) => {
  if (!Array.isArray(issue.input)) return `expected a list of risk levels (${RISK_LEVEL_NAMES}) or a boolean, got ${describeValue(issue.input)}`;
  const stranger: unknown = issue.input.find((item) => !(RISK_LEVELS as readonly unknown[]).includes(item));
  return `expected a list of risk levels (${RISK_LEVEL_NAMES}), got ${describeValue(stranger)} in it`;
});

const nonEmptyString = (what: string) => v.pipe(v.string(expected(what)), v.nonEmpty(`expected ${what}, got an empty string`));

const globString = v.pipe(
  nonEmptyString("a glob string"),
  v.check(
    (pattern) => compileGlob(pattern).ok,
    (issue) => {
      const compiled = compileGlob(issue.input);
      return compiled.ok ? "bad glob" : compiled.message;
    },
  ),
);

const fileGlobString = v.pipe(
  globString,
  v.check(
    (pattern) => !pattern.startsWith("/"),
    (issue) => `file glob ${JSON.stringify(issue.input)} must be relative to the target's roots, not absolute`,
  ),
  v.check(
    (pattern) => pattern.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    (issue) => `file glob ${JSON.stringify(issue.input)} may not have empty, "." or ".." segments`,
  ),
);

const rootString = v.pipe(
  nonEmptyString("a directory path"),
  v.check(
    (root) => !root.replace(/^\$STATE_DIR(?=\/|$)/, "").includes("$"),
    (issue) => `root ${JSON.stringify(issue.input)}: only a leading "$STATE_DIR" expands; no other "$" is allowed`,
  ),
);

function stringList<TItem extends v.GenericSchema<string, string>>(item: TItem, what: string) {
  return v.pipe(v.array(item, expected(`an array of ${what}`)), v.minLength(1, `expected at least one ${what.replace(/s$/, "")}, got an empty array`));
}

/** A TOML table: the parser's plain objects, never an array, a date or a number. */
function isTable(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === null || prototype === Object.prototype;
}

// valibot's object schemas accept arrays and Date objects (they are objects), so a table is
// checked to be a table first; then unknown keys are refused.
function table<TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(v.custom<Record<string, unknown>>(isTable, expected("a table")), v.strictObject(entries));
}

function pathItem(input: Record<string, unknown>, key: string): v.ObjectPathItem {
  return { type: "object", origin: "value", input, key, value: input[key] };
}

const configTargetSchema = v.pipe(
  table({
    name: v.pipe(
      nonEmptyString("a target name"),
      v.regex(TARGET_NAME, (issue) => `target name ${JSON.stringify(issue.input)} must be letters, digits, "_", "-" or "." (not first), at most 64 characters`),
    ),
    description: v.optional(v.string(expected("a string"))),
    roots: stringList(rootString, "directory paths"),
    file_globs: stringList(fileGlobString, "glob strings"),
    validator: v.picklist(
      VALIDATOR_KINDS,
      expected(
        VALIDATOR_KINDS.map((kind) => `"${kind}"`)
          .join(", ")
          .replace(/, ([^,]*)$/, " or $1"),
      ),
    ),
    validator_command: v.optional(
      v.pipe(
        stringList(nonEmptyString("an argument string"), "argument strings"),
        v.check(
          (argv) => argv.some((argument) => argument.includes("{path}")),
          'validator_command must pass the file to check: put "{path}" in one of its arguments',
        ),
      ),
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const target = dataset.value;
    if (target.validator === "command" && target.validator_command === undefined) {
      addIssue({
        message: 'validator = "command" needs validator_command, the argv to run (with "{path}" for the file)',
        path: [pathItem(target, "validator")],
      });
    }
    if (target.validator !== "command" && target.validator_command !== undefined) {
      addIssue({
        message: `validator_command is only allowed with validator = "command", but validator is "${target.validator}"`,
        path: [pathItem(target, "validator_command")],
      });
    }
  }),
);

/**
 * An array of named target tables whose names are unique, e.g. `[[config_targets]]`.
 * @param item - schema of one table
 * @param key - the array's key, for messages
 * @returns the schema of the array
 */
function uniquelyNamedTables<TItem extends v.GenericSchema<unknown, { name: string }>>(item: TItem, key: string) {
  return v.pipe(
    v.array(item, expected(`an array of tables ([[${key}]])`)),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const seen = new Map<string, number>();
      dataset.value.forEach((target, index) => {
        const first = seen.get(target.name);
        if (first === undefined) {
          seen.set(target.name, index);
          return;
        }
        addIssue({
          message: `duplicate target name ${JSON.stringify(target.name)}: ${key}[${first}] already uses it`,
          path: [{ type: "array", origin: "value", input: dataset.value, key: index, value: target }, pathItem(target, "name")],
        });
      });
    }),
  );
}

const configTargetsSchema = uniquelyNamedTables(configTargetSchema, "config_targets");

/** A `[[log_targets]]` table: log files `read_log_file` may read (a config target without a validator). */
const logTargetSchema = table({
  name: v.pipe(
    nonEmptyString("a target name"),
    v.regex(TARGET_NAME, (issue) => `target name ${JSON.stringify(issue.input)} must be letters, digits, "_", "-" or "." (not first), at most 64 characters`),
  ),
  description: v.optional(v.string(expected("a string"))),
  roots: stringList(rootString, "directory paths"),
  file_globs: stringList(fileGlobString, "glob strings"),
});

const logTargetsSchema = uniquelyNamedTables(logTargetSchema, "log_targets");

function toolSectionSchema(tool: PolicyTool) {
  const requireConfirmation =
    tool.risk === "privileged"
      ? v.pipe(
          booleanSchema,
          v.check(
            (value) => value,
            `${tool.name} is privileged: the policy may add confirmation, never remove it from a privileged tool (set true or leave the key out)`,
          ),
        )
      : booleanSchema;
  const timeoutText = `an integer number of seconds from ${TIMEOUT_SECONDS_RANGE.min} to ${TIMEOUT_SECONDS_RANGE.max}`;
  // Read-only tools run bounded queries with fixed limits; only an action has a time to tune.
  const timeoutSeconds = v.pipe(
    v.number(expected(timeoutText)),
    v.check(() => tool.risk !== "read_only", `timeout_s applies to actions and validators; ${tool.name} is read-only and has fixed query limits`),
    v.integer(expected(timeoutText)),
    v.minValue(TIMEOUT_SECONDS_RANGE.min, expected(timeoutText)),
    v.maxValue(TIMEOUT_SECONDS_RANGE.max, expected(timeoutText)),
  );
  return table({
    enabled: v.optional(booleanSchema),
    require_confirmation: v.optional(requireConfirmation),
    allowed_scopes: v.optional(v.array(v.picklist(SCOPES, expected('"system" or "user"')), expected('an array of "system" / "user"'))),
    service_patterns: v.optional(v.array(globString, expected("an array of glob strings"))),
    timeout_s: v.optional(timeoutSeconds),
  });
}

const KEYS_BY_TABLE: Record<string, readonly string[]> = {
  top: ["version", "approvals", "tools", "config_targets", "log_targets"],
  approvals: ["expiry_minutes", "allow_elicitation"],
  tool: ["enabled", "require_confirmation", "allowed_scopes", "service_patterns", "timeout_s"],
  target: ["name", "description", "roots", "file_globs", "validator", "validator_command"],
  logTarget: ["name", "description", "roots", "file_globs"],
};

/**
 * The keys a table of the policy may hold, for "unknown key" messages.
 * @param tablePath - key path of the table (`[]` for the top level)
 * @returns the allowed keys, or undefined for a path that is not a fixed-key table
 */
export function allowedKeys(tablePath: readonly (string | number)[]): readonly string[] | undefined {
  if (tablePath.length === 0) return KEYS_BY_TABLE.top;
  if (tablePath.length === 1 && tablePath[0] === "approvals") return KEYS_BY_TABLE.approvals;
  if (tablePath.length === 2 && tablePath[0] === "tools") return KEYS_BY_TABLE.tool;
  if (tablePath.length === 2 && tablePath[0] === "config_targets" && typeof tablePath[1] === "number") return KEYS_BY_TABLE.target;
  if (tablePath.length === 2 && tablePath[0] === "log_targets" && typeof tablePath[1] === "number") return KEYS_BY_TABLE.logTarget;
  return undefined;
}

/**
 * Builds the strict schema of a policy file for the given tool registry.
 * @param tools - every tool the policy may name
 * @returns a valibot schema of the parsed TOML document
 */
export function createPolicySchema(tools: readonly PolicyTool[]) {
  const toolEntries = Object.fromEntries(tools.map((tool) => [tool.name, v.optional(toolSectionSchema(tool))]));
  return table({
    version: v.literal(1, expected("1 (the only policy version)")),
    approvals: v.optional(
      table({
        expiry_minutes: v.optional(
          v.pipe(
            v.number(expected(`an integer from ${EXPIRY_MINUTES_RANGE.min} to ${EXPIRY_MINUTES_RANGE.max}`)),
            v.integer(expected("an integer")),
            v.minValue(EXPIRY_MINUTES_RANGE.min, expected(`an integer from ${EXPIRY_MINUTES_RANGE.min} to ${EXPIRY_MINUTES_RANGE.max}`)),
            v.maxValue(EXPIRY_MINUTES_RANGE.max, expected(`an integer from ${EXPIRY_MINUTES_RANGE.min} to ${EXPIRY_MINUTES_RANGE.max}`)),
          ),
        ),
        allow_elicitation: v.optional(elicitationSchema),
      }),
    ),
    tools: v.optional(table(toolEntries)),
    config_targets: v.optional(configTargetsSchema),
    log_targets: v.optional(logTargetsSchema),
  });
}

/** The parsed, schema-checked policy document. */
export type PolicyDocument = v.InferOutput<ReturnType<typeof createPolicySchema>>;
