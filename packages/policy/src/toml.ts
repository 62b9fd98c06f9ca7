import { errorMessage } from "@mc/core";
import { parse, TomlError } from "smol-toml";

/**
 * A TOML float. The policy has no float keys, so floats are kept apart from integers to let
 * the schema say "got float 1.5" instead of silently accepting `version = 1.0`.
 */
export class TomlFloat {
  /**
   * @param value - the parsed number
   */
  constructor(readonly value: number) {}
}

/** The outcome of parsing a TOML document. */
export type TomlParseResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string; line: number; column: number };

/**
 * Parses TOML text. The only module that touches the TOML library, so it can be swapped.
 * Integers become numbers (or stay bigint when too large to be exact), floats become
 * `TomlFloat`, dates stay `Date` objects.
 * @param text - the document
 * @returns the parsed table, or the syntax error with its 1-based line and column
 */
export function parseToml(text: string): TomlParseResult {
  try {
    const value = parse(text, { integersAsBigInt: true }) as Record<string, unknown>;
    return { ok: true, value: normalize(value) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml's message carries a code block after a blank line; keep the sentence only.
      const sentence = (error.message.split("\n")[0] ?? error.message).replace(/^Invalid TOML document: /, "");
      return { ok: false, message: `invalid TOML: ${sentence}`, line: error.line, column: error.column };
    }
    return { ok: false, message: `invalid TOML: ${errorMessage(error)}`, line: 1, column: 1 };
  }
}

function normalize(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (typeof value === "number") return new TomlFloat(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    // A null prototype keeps a key named `__proto__` an ordinary (and then unknown) key.
    const result = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) result[key] = normalize(item);
    return result;
  }
  return value;
}
