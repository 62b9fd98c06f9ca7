import type { Bump } from "./bump.js";
import type { ChangeKind, SchemaChange, SchemaSide } from "./schema-change.js";
import { type JsonValue, stableStringify } from "./stable-json.js";

/** Where the walk is: the dotted path in the snapshot entry and the human name of the property. */
interface Location {
  path: string;
  /** `filter.unit`, `units[].name`; empty at the schema's root. */
  property: string;
}

interface Walk {
  tool: string;
  side: SchemaSide;
  changes: SchemaChange[];
}

/** How a constraint change moves the set of values a schema accepts. */
type Effect = "narrowing" | "widening" | "incompatible";

type Schema = { [key: string]: JsonValue };

const TEXT_KEYWORDS = ["title", "description", "examples", "default", "$comment"] as const;
const LOWER_BOUNDS = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"] as const;
const UPPER_BOUNDS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"] as const;
const DEFINITION_KEYWORDS = ["definitions", "$defs"] as const;
/** Keywords compared by a rule of their own; any other keyword that differs is treated as breaking. */
const CLASSIFIED_KEYWORDS = new Set<string>([
  ...TEXT_KEYWORDS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...DEFINITION_KEYWORDS,
  "$schema",
  "$id",
  "type",
  "const",
  "enum",
  "pattern",
  "format",
  "multipleOf",
  "uniqueItems",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
]);

/**
 * Classifies every difference between two versions of one of a tool's JSON Schemas.
 * Narrowing an input breaks callers (major) and widening it is a feature (minor); for an output
 * it is the other way round, because a client may receive values it does not know.
 * @param tool - the tool's name, for the messages
 * @param side - whether these are input or output schemas
 * @param before - the schema in the committed snapshot
 * @param after - the schema the code publishes now
 * @returns the changes, in the order the schemas were walked
 */
export function compareJsonSchema(tool: string, side: SchemaSide, before: JsonValue, after: JsonValue): SchemaChange[] {
  const walk: Walk = { tool, side, changes: [] };
  compareSchema(walk, { path: side, property: "" }, asSchema(before), asSchema(after));
  return walk.changes;
}

function compareSchema(walk: Walk, location: Location, before: Schema, after: Schema): void {
  if (stableStringify(before) === stableStringify(after)) return;
  const beforeUnion = unionOf(before);
  const afterUnion = unionOf(after);
  if (beforeUnion !== undefined || afterUnion !== undefined) {
    compareUnions(walk, location, beforeUnion ?? singleBranch(before), afterUnion ?? singleBranch(after));
    return;
  }
  compareTexts(walk, location, before, after);
  if (!compareTypes(walk, location, before, after)) return;
  compareValues(walk, location, before, after);
  compareBounds(walk, location, before, after);
  compareStringRules(walk, location, before, after);
  compareObjects(walk, location, before, after);
  compareArrays(walk, location, before, after);
  compareDefinitions(walk, location, before, after);
  compareOtherKeywords(walk, location, before, after);
}

// ---------------------------------------------------------------------------------------------
// Emitting changes

function subject(walk: Walk, location: Location): string {
  return location.property === "" ? `${walk.side} schema` : `${walk.side} property "${location.property}"`;
}

function record(walk: Walk, path: string, kind: ChangeKind, bump: Bump, message: string): void {
  walk.changes.push({ tool: walk.tool, path, kind, bump, message: `${walk.tool}: ${message} needs a ${bump} bump` });
}

/** A constraint moved: the bump follows from the side and the direction. */
function constraint(walk: Walk, location: Location, keyword: string, kind: ChangeKind, effect: Effect, what: string): void {
  const article = walk.side === "input" ? "an input" : "an output";
  let bump: Bump;
  let reason: string;
  if (effect === "incompatible") {
    bump = "major";
    reason = `an incompatible change to ${article}`;
  } else if (effect === "narrowing") {
    bump = walk.side === "input" ? "major" : "minor";
    reason = walk.side === "input" ? "narrowing an input" : "narrowing an output: clients still understand every value";
  } else {
    bump = walk.side === "input" ? "minor" : "major";
    reason = walk.side === "input" ? "widening an input" : "widening an output: a client may see values it does not know";
  }
  record(walk, join(location.path, keyword), kind, bump, `${subject(walk, location)} ${what} (${reason})`);
}

// ---------------------------------------------------------------------------------------------
// Rules

function compareTexts(walk: Walk, location: Location, before: Schema, after: Schema): void {
  for (const keyword of TEXT_KEYWORDS) {
    const was = before[keyword];
    const now = after[keyword];
    if (stableStringify(was) === stableStringify(now)) continue;
    const what =
      was === undefined
        ? `${keyword} added ${show(now)}`
        : now === undefined
          ? `${keyword} removed (was ${show(was)})`
          : `${keyword} changed ${show(was)} → ${show(now)}`;
    record(walk, join(location.path, keyword), "text_changed", "patch", `${subject(walk, location)} ${what} (text only)`);
  }
}

/** @returns false when the types no longer overlap, so comparing the rest would only add noise */
function compareTypes(walk: Walk, location: Location, before: Schema, after: Schema): boolean {
  const was = effectiveTypes(before);
  const now = effectiveTypes(after);
  if (was === undefined && now === undefined) return true;
  if (was === undefined) {
    constraint(walk, location, "type", "type_changed", "narrowing", `type restricted from any to ${showTypes(now)}`);
    return true;
  }
  if (now === undefined) {
    constraint(walk, location, "type", "type_changed", "widening", `type widened from ${showTypes(was)} to any`);
    return true;
  }
  const removed = [...was].filter((type) => !coversType(now, type));
  const added = [...now].filter((type) => !coversType(was, type));
  const overlaps = [...was].some((type) => coversType(now, type) || (type === "number" && now.has("integer")));
  if (!overlaps) {
    constraint(walk, location, "type", "type_changed", "incompatible", `type changed ${showTypes(was)} → ${showTypes(now)}`);
    return false;
  }
  if (removed.length > 0) {
    constraint(walk, location, "type", "type_changed", "narrowing", `type narrowed ${showTypes(was)} → ${showTypes(now)}`);
  }
  if (added.length > 0) {
    constraint(walk, location, "type", "type_changed", "widening", `type widened ${showTypes(was)} → ${showTypes(now)}`);
  }
  return true;
}

/** `const` and `enum` (valibot's literal and picklist); a const beside an enum counts as a one-value enum. */
function compareValues(walk: Walk, location: Location, before: Schema, after: Schema): void {
  let wasEnum = Array.isArray(before.enum) ? before.enum : undefined;
  let nowEnum = Array.isArray(after.enum) ? after.enum : undefined;
  const wasConst = "const" in before;
  const nowConst = "const" in after;
  if (wasEnum !== undefined || nowEnum !== undefined) {
    if (wasEnum === undefined && wasConst) wasEnum = [before.const as JsonValue];
    if (nowEnum === undefined && nowConst) nowEnum = [after.const as JsonValue];
    if (wasEnum !== undefined && nowEnum !== undefined) {
      const wasKeys = new Set(wasEnum.map((value) => stableStringify(value)));
      const nowKeys = new Set(nowEnum.map((value) => stableStringify(value)));
      const removed = wasEnum.filter((value) => !nowKeys.has(stableStringify(value)));
      const added = nowEnum.filter((value) => !wasKeys.has(stableStringify(value)));
      if (removed.length > 0) {
        constraint(walk, location, "enum", "enum_changed", "narrowing", `enum values removed: ${removed.map(show).join(", ")}`);
      }
      if (added.length > 0) {
        constraint(walk, location, "enum", "enum_changed", "widening", `enum values added: ${added.map(show).join(", ")}`);
      }
    } else if (wasEnum === undefined && nowEnum !== undefined) {
      constraint(walk, location, "enum", "enum_changed", "narrowing", `restricted to the values ${nowEnum.map(show).join(", ")}`);
    } else if (wasEnum !== undefined) {
      constraint(walk, location, "enum", "enum_changed", "widening", `no longer restricted to ${wasEnum.map(show).join(", ")}`);
    }
    return;
  }
  if (wasConst && nowConst) {
    if (stableStringify(before.const) !== stableStringify(after.const)) {
      constraint(walk, location, "const", "const_changed", "incompatible", `const changed ${show(before.const)} → ${show(after.const)}`);
    }
  } else if (nowConst) {
    constraint(walk, location, "const", "const_changed", "narrowing", `fixed to the const ${show(after.const)}`);
  } else if (wasConst) {
    constraint(walk, location, "const", "const_changed", "widening", `no longer fixed to the const ${show(before.const)}`);
  }
}

function compareBounds(walk: Walk, location: Location, before: Schema, after: Schema): void {
  for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    const was = typeof before[keyword] === "number" ? before[keyword] : undefined;
    const now = typeof after[keyword] === "number" ? after[keyword] : undefined;
    if (was === now) continue;
    const isLower = (LOWER_BOUNDS as readonly string[]).includes(keyword);
    if (was === undefined) {
      constraint(walk, location, keyword, "range_changed", "narrowing", `${keyword} added (${String(now)})`);
    } else if (now === undefined) {
      constraint(walk, location, keyword, "range_changed", "widening", `${keyword} removed (was ${was})`);
    } else {
      const raised = now > was;
      const effect: Effect = raised === isLower ? "narrowing" : "widening";
      constraint(walk, location, keyword, "range_changed", effect, `${keyword} ${raised ? "raised" : "lowered"} ${was} → ${now}`);
    }
  }
}

function compareStringRules(walk: Walk, location: Location, before: Schema, after: Schema): void {
  const rules = [
    ["pattern", "pattern_changed"],
    ["format", "format_changed"],
    ["multipleOf", "multiple_of_changed"],
  ] as const;
  for (const [keyword, kind] of rules) {
    const was = before[keyword];
    const now = after[keyword];
    if (stableStringify(was) === stableStringify(now)) continue;
    if (was === undefined) {
      constraint(walk, location, keyword, kind, "narrowing", `${keyword} ${show(now)} added`);
    } else if (now === undefined) {
      constraint(walk, location, keyword, kind, "widening", `${keyword} ${show(was)} removed`);
    } else {
      // Whether one pattern accepts a subset of another is undecidable in general: any edit may break.
      constraint(walk, location, keyword, kind, "incompatible", `${keyword} changed ${show(was)} → ${show(now)}`);
    }
  }
  const wasUnique = before.uniqueItems === true;
  const nowUnique = after.uniqueItems === true;
  if (wasUnique !== nowUnique) {
    constraint(
      walk,
      location,
      "uniqueItems",
      "unique_items_changed",
      nowUnique ? "narrowing" : "widening",
      nowUnique ? "items must now be unique" : "items no longer need to be unique",
    );
  }
}

function compareObjects(walk: Walk, location: Location, before: Schema, after: Schema): void {
  const wasProperties = asRecord(before.properties);
  const nowProperties = asRecord(after.properties);
  const wasRequired = new Set(stringList(before.required));
  const nowRequired = new Set(stringList(after.required));
  const names = [...new Set([...Object.keys(wasProperties), ...Object.keys(nowProperties)])].sort();
  const input = walk.side === "input";
  for (const name of names) {
    const child: Location = {
      path: `${location.path}.properties.${name}`,
      property: location.property === "" ? name : `${location.property}.${name}`,
    };
    const was = wasProperties[name];
    const now = nowProperties[name];
    const label = `${walk.side} property "${child.property}"`;
    if (now === undefined) {
      record(
        walk,
        child.path,
        "property_removed",
        "major",
        `${label} removed (removing or renaming ${input ? "an input property" : "an output property: clients rely on outputs"})`,
      );
      continue;
    }
    if (was === undefined) {
      if (!input) {
        record(walk, child.path, "property_added", "minor", `${label} added (adding an output property)`);
      } else if (nowRequired.has(name)) {
        record(walk, child.path, "property_added", "major", `${label} added as required (a new required input)`);
      } else {
        record(walk, child.path, "property_added", "minor", `${label} added as optional (adding an optional input)`);
      }
      continue;
    }
    const wasIsRequired = wasRequired.has(name);
    const nowIsRequired = nowRequired.has(name);
    if (!wasIsRequired && nowIsRequired) {
      record(
        walk,
        child.path,
        "property_required",
        input ? "major" : "minor",
        `${label} made required (${input ? "an optional input made required" : "narrowing an output: clients still understand every value"})`,
      );
    } else if (wasIsRequired && !nowIsRequired) {
      record(
        walk,
        child.path,
        "property_optional",
        input ? "minor" : "major",
        `${label} made optional (${input ? "widening an input" : "a required output made optional: clients rely on outputs"})`,
      );
    }
    compareSchema(walk, child, asSchema(was), asSchema(now));
  }
  compareAdditionalProperties(walk, location, before.additionalProperties, after.additionalProperties);
  if (before.propertyNames !== undefined || after.propertyNames !== undefined) {
    compareSchema(
      walk,
      { path: `${location.path}.propertyNames`, property: `${location.property} (keys)`.trim() },
      asSchema(before.propertyNames ?? true),
      asSchema(after.propertyNames ?? true),
    );
  }
}

function compareAdditionalProperties(walk: Walk, location: Location, before: JsonValue | undefined, after: JsonValue | undefined): void {
  const kindOf = (value: JsonValue | undefined): "any" | "none" | "schema" =>
    value === undefined || value === true ? "any" : value === false ? "none" : "schema";
  const was = kindOf(before);
  const now = kindOf(after);
  if (was === "schema" && now === "schema") {
    const property = location.property === "" ? "*" : `${location.property}.*`;
    compareSchema(walk, { path: `${location.path}.additionalProperties`, property }, asSchema(before), asSchema(after));
    return;
  }
  if (was === now) return;
  const descriptions = { any: "any", none: "none", schema: "only those matching a schema" };
  // "any" ⊃ "schema" ⊃ "none": moving right narrows what an object may carry.
  const order = { any: 2, schema: 1, none: 0 };
  const effect: Effect = order[now] < order[was] ? "narrowing" : "widening";
  constraint(
    walk,
    location,
    "additionalProperties",
    "additional_properties_changed",
    effect,
    `additional properties allowed changed from ${descriptions[was]} to ${descriptions[now]}`,
  );
}

function compareArrays(walk: Walk, location: Location, before: Schema, after: Schema): void {
  const was = before.items;
  const now = after.items;
  if (was === undefined && now === undefined) return;
  const base = location.property;
  if (Array.isArray(was) && Array.isArray(now)) {
    const common = Math.min(was.length, now.length);
    for (let index = 0; index < common; index += 1) {
      compareSchema(walk, { path: `${location.path}.items.${index}`, property: `${base}[${index}]` }, asSchema(was[index]), asSchema(now[index]));
    }
    if (was.length !== now.length) {
      constraint(walk, location, "items", "items_changed", "incompatible", `tuple length changed ${was.length} → ${now.length}`);
    }
    return;
  }
  if (was !== undefined && now !== undefined && !Array.isArray(was) && !Array.isArray(now)) {
    compareSchema(walk, { path: `${location.path}.items`, property: `${base}[]` }, asSchema(was), asSchema(now));
    return;
  }
  if (was === undefined) {
    constraint(walk, location, "items", "items_changed", "narrowing", "items restricted by a schema");
  } else if (now === undefined) {
    constraint(walk, location, "items", "items_changed", "widening", "items no longer restricted by a schema");
  } else {
    constraint(
      walk,
      location,
      "items",
      "items_changed",
      "incompatible",
      `items changed from ${Array.isArray(was) ? "a tuple" : "a list"} to ${Array.isArray(now) ? "a tuple" : "a list"}`,
    );
  }
}

/** Shared definitions are compared where both sides have them; a reference that moves is caught as `$ref`. */
function compareDefinitions(walk: Walk, location: Location, before: Schema, after: Schema): void {
  for (const keyword of DEFINITION_KEYWORDS) {
    const was = asRecord(before[keyword]);
    const now = asRecord(after[keyword]);
    for (const name of Object.keys(was).sort()) {
      const nowDefinition = now[name];
      if (nowDefinition === undefined) continue;
      compareSchema(walk, { path: `${location.path}.${keyword}.${name}`, property: `${keyword}.${name}` }, asSchema(was[name]), asSchema(nowDefinition));
    }
  }
}

function compareOtherKeywords(walk: Walk, location: Location, before: Schema, after: Schema): void {
  const keywords = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const keyword of keywords) {
    if (CLASSIFIED_KEYWORDS.has(keyword)) continue;
    if (stableStringify(before[keyword]) === stableStringify(after[keyword])) continue;
    constraint(
      walk,
      location,
      keyword,
      "keyword_changed",
      "incompatible",
      `keyword "${keyword}" changed ${show(before[keyword])} → ${show(after[keyword])} (not classified, so treated as breaking)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Unions (`anyOf` from valibot's union/nullable/optional, `oneOf` from variant)

interface Union {
  keyword: "anyOf" | "oneOf";
  branches: Schema[];
  /** The keywords beside the union: usually only a description. */
  rest: Schema;
}

function unionOf(schema: Schema): Union | undefined {
  const hasAnyOf = Array.isArray(schema.anyOf);
  const hasOneOf = Array.isArray(schema.oneOf);
  // Both at once is not something valibot writes: leave it to the catch-all rule.
  if (hasAnyOf === hasOneOf) return undefined;
  const keyword = hasAnyOf ? "anyOf" : "oneOf";
  const { [keyword]: branches, ...rest } = schema;
  return { keyword, branches: (branches as JsonValue[]).map(asSchema), rest };
}

/** A plain schema seen as a union of one branch, so `string` → `string | null` reads as a branch added. */
function singleBranch(schema: Schema): Union {
  const rest: Schema = {};
  const branch: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((TEXT_KEYWORDS as readonly string[]).includes(key)) rest[key] = value;
    else branch[key] = value;
  }
  return { keyword: "anyOf", branches: [branch], rest };
}

function compareUnions(walk: Walk, location: Location, before: Union, after: Union): void {
  compareSchema(walk, location, before.rest, after.rest);
  const remainingBefore = before.branches.map((schema, index) => ({ schema, index, key: stableStringify(schema) }));
  const remainingAfter = after.branches.map((schema, index) => ({ schema, index, key: stableStringify(schema) }));
  const take = <T>(list: T[], item: T): void => {
    list.splice(list.indexOf(item), 1);
  };
  for (const branch of [...remainingBefore]) {
    const same = remainingAfter.find((candidate) => candidate.key === branch.key);
    if (same === undefined) continue;
    take(remainingBefore, branch);
    take(remainingAfter, same);
  }
  // A branch that kept its type (and discriminator) was edited, not replaced: compare inside it.
  for (const branch of [...remainingBefore]) {
    const signature = branchSignature(branch.schema);
    const olds = remainingBefore.filter((candidate) => branchSignature(candidate.schema) === signature);
    const news = remainingAfter.filter((candidate) => branchSignature(candidate.schema) === signature);
    if (olds.length !== 1 || news.length !== 1) continue;
    const match = news[0] as (typeof remainingAfter)[number];
    take(remainingBefore, branch);
    take(remainingAfter, match);
    compareSchema(walk, { path: `${location.path}.${after.keyword}.${match.index}`, property: location.property }, branch.schema, match.schema);
  }
  for (const branch of remainingBefore) {
    constraint(
      walk,
      { path: `${location.path}.${before.keyword}.${branch.index}`, property: location.property },
      "",
      "branch_removed",
      "narrowing",
      `union branch ${describeBranch(branch.schema)} removed`,
    );
  }
  for (const branch of remainingAfter) {
    constraint(
      walk,
      { path: `${location.path}.${after.keyword}.${branch.index}`, property: location.property },
      "",
      "branch_added",
      "widening",
      `union branch ${describeBranch(branch.schema)} added`,
    );
  }
}

function branchSignature(schema: Schema): string {
  const types = effectiveTypes(schema);
  const parts = [types === undefined ? "any" : [...types].sort().join("|")];
  if ("const" in schema) parts.push(`=${stableStringify(schema.const)}`);
  const properties = asRecord(schema.properties);
  for (const name of Object.keys(properties).sort()) {
    const property = properties[name];
    if (property !== null && typeof property === "object" && !Array.isArray(property) && "const" in property) {
      parts.push(`${name}=${stableStringify(property.const)}`);
    }
  }
  return parts.join(" ");
}

function describeBranch(schema: Schema): string {
  if ("const" in schema) return show(schema.const);
  const types = effectiveTypes(schema);
  const discriminators = Object.entries(asRecord(schema.properties))
    .filter(([, value]) => value !== null && typeof value === "object" && !Array.isArray(value) && "const" in value)
    .map(([name, value]) => `${name}: ${show((value as Schema).const)}`);
  const typeText = types === undefined ? "any" : showTypes(types);
  return discriminators.length > 0 ? `${typeText} {${discriminators.join(", ")}}` : typeText;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function asSchema(value: JsonValue | undefined): Schema {
  if (value === undefined || value === true) return {};
  if (value === false) return { not: {} };
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
  return { not: {} };
}

function asRecord(value: JsonValue | undefined): Record<string, JsonValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The JSON types a schema admits, from `type` or else from its `const`/`enum`; undefined means any. */
function effectiveTypes(schema: Schema): Set<string> | undefined {
  if (typeof schema.type === "string") return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(stringList(schema.type));
  if ("const" in schema) return new Set([jsonType(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(jsonType));
  return undefined;
}

function jsonType(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** `number` admits every `integer`. */
function coversType(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === "integer" && types.has("number"));
}

function showTypes(types: Set<string> | undefined): string {
  return types === undefined ? "any" : [...types].sort().join(" | ");
}

function show(value: JsonValue | undefined): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function join(path: string, keyword: string): string {
  return keyword === "" ? path : `${path}.${keyword}`;
}
