// Text from outside (MCP client names, unit descriptions, journal lines, file contents, notes,
// policy files) must never drive the terminal it is shown on: an escape sequence can move the
// cursor and rewrite an approval's screen, a bidi override can make `sshd` read as `dshs`. So
// every character that a terminal acts on or does not show is written as a visible escape, the
// way journalctl and sudo show unprintable bytes. Only `--json` carries such text exactly.

import { displayWidth } from "./terminal-width.js";

/**
 * Characters that are escaped: C0 controls, DEL and C1 controls (`\p{Cc}`); format characters
 * (`\p{Cf}`: the bidi marks, embeddings, overrides and isolates U+061C, U+200E/F, U+202A–E,
 * U+2066–9, the zero-width space/joiners U+200B–D, U+2060, the BOM U+FEFF, soft hyphen, tag
 * characters…); lone surrogates; the line and paragraph separators U+2028/9; and the Hangul
 * fillers, letters that render as nothing.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u;
const UNSAFE_GLOBAL = new RegExp(UNSAFE.source, "gu");
const UNSAFE_OR_BACKSLASH = new RegExp(`${UNSAFE.source.slice(0, -1)}\\\\]`, "gu");
const NAMED: Readonly<Record<string, string>> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * How {@link escapeTerminalText} treats newlines and backslashes:
 * - `"value"` (a field, a table cell, a name): newlines are escaped too, so a value never starts
 *   a line of its own, and `\` is doubled, so the escaped text tells every two inputs apart
 *   (a literal `\x1b` shows as `\\x1b`, an ESC as `\x1b`).
 * - `"line"` (a message of one line, such as an error, built by mc with values already quoted):
 *   newlines are escaped, backslashes stay.
 * - `"output"` (the last pass over whole lines on their way to the terminal): newlines and
 *   backslashes stay, since the text was laid out on purpose and its values are already escaped.
 * - `"json"` (JSON text shown to people): every escape is a JSON `\uXXXX` escape, so the text
 *   stays valid JSON with the same meaning; JSON already escapes newlines inside strings (the
 *   newlines left are indentation) and backslashes.
 */
export type TerminalEscapeMode = "value" | "line" | "output" | "json";

/**
 * Writes every control, bidi and invisible format character of `text` as a visible escape:
 * `\t`, `\n`, `\r`, `\xHH` below U+0080, `\uHHHH` (C1 controls, bidi marks) and `\u{HHHHH}`
 * above U+FFFF. Printable text, spaces and other scripts pass unchanged.
 * @param text - the text as it came
 * @param mode - see {@link TerminalEscapeMode}; `"value"` by default
 * @returns text with no character a terminal acts on
 * @example
 * escapeTerminalText("nginx\u001b[2K\u202e") // 'nginx\\x1b[2K\\u202e'
 */
export function escapeTerminalText(text: string, mode: TerminalEscapeMode = "value"): string {
  if (mode === "value") return text.replace(UNSAFE_OR_BACKSLASH, (character) => (character === "\\" ? "\\\\" : escapeCharacter(character)));
  // JSON text has newlines only where JSON.stringify indents: they are layout.
  if (mode === "json") return text.replace(UNSAFE_GLOBAL, (character) => (character === "\n" ? character : jsonEscape(character)));
  if (mode === "line") return text.replace(UNSAFE_GLOBAL, escapeCharacter);
  return text.replace(UNSAFE_GLOBAL, (character) => (character === "\n" ? character : escapeCharacter(character)));
}

/**
 * Whether `text` holds a character {@link escapeTerminalText} would escape (other than `\n`
 * and `\`): what the tests check a terminal never receives.
 * @param text - the text
 * @param options - `newlines: true` to count `\n` as unsafe as well
 * @returns true when a terminal could act on or hide part of `text`
 */
export function hasUnsafeTerminalText(text: string, options: { newlines?: boolean } = {}): boolean {
  const match = text.match(UNSAFE_GLOBAL);
  return match !== null && match.some((character) => options.newlines === true || character !== "\n");
}

function escapeCharacter(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const codePoint = character.codePointAt(0) ?? 0;
  if (codePoint < 0x80) return `\\x${hex(codePoint, 2)}`;
  if (codePoint <= 0xffff) return `\\u${hex(codePoint, 4)}`;
  return `\\u{${codePoint.toString(16)}}`;
}

function jsonEscape(character: string): string {
  let escaped = "";
  for (let index = 0; index < character.length; index += 1) escaped += `\\u${hex(character.charCodeAt(index), 4)}`;
  return escaped;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, "0");
}

/**
 * Text that may be written to a terminal: made only by {@link terminalText},
 * {@link terminalCell}, {@link terminalJson} and {@link terminalLines}, which escape whatever
 * came from outside. A command's human output has this type, so a value cannot reach the
 * screen unescaped by forgetting a call.
 */
export class TerminalText {
  /** The escaped text. */
  readonly text: string;

  private constructor(text: string) {
    this.text = text;
  }

  /** @internal */
  static of(text: string): TerminalText {
    return new TerminalText(text);
  }

  /**
   * The escaped text.
   * @returns the text
   */
  toString(): string {
    return this.text;
  }
}

/** What {@link terminalText} interpolates: strings are escaped as values; numbers and booleans as they print. */
export type TerminalValue = string | number | boolean | bigint | TerminalText;

function piece(value: TerminalValue): string {
  if (value instanceof TerminalText) return value.text;
  return typeof value === "string" ? escapeTerminalText(value, "value") : String(value);
}

/**
 * Template tag for a command's human output: the literal parts are the command's own layout
 * (newlines allowed); every interpolated string is escaped as a value (controls, bidi,
 * newlines, backslashes); interpolated {@link TerminalText} is already safe.
 * @param strings - the literal parts
 * @param values - the interpolated values
 * @returns the text
 * @example
 * terminalText`requested by ${clientName}` // a client name cannot move the cursor or add a line
 */
export function terminalText(strings: TemplateStringsArray, ...values: readonly TerminalValue[]): TerminalText {
  let text = strings[0] ?? "";
  values.forEach((value, index) => {
    text += piece(value) + (strings[index + 1] ?? "");
  });
  return TerminalText.of(text);
}

/**
 * A message mc composed (a refusal's reason, an error, a doctor check), whose quoted values
 * are already JSON-escaped: controls, bidi characters and newlines are escaped, backslashes
 * stay, so `"a\u001b"` is not shown as `"a\\u001b"`.
 * @param message - the message
 * @returns the message on one line
 */
export function terminalMessage(message: string): TerminalText {
  return TerminalText.of(escapeTerminalText(message, "line"));
}

/**
 * One table cell: the value escaped, then padded to `width` display columns (measured on the
 * escaped text, so escapes never break the columns; wide characters count two).
 * @param value - the cell's value
 * @param width - the column width
 * @param align - `"left"` (default) pads on the right, `"right"` on the left
 * @returns the cell
 */
export function terminalCell(value: TerminalValue, width: number, align: "left" | "right" = "left"): TerminalText {
  const text = piece(value);
  const pad = " ".repeat(Math.max(0, width - displayWidth(text)));
  return TerminalText.of(align === "left" ? text + pad : pad + text);
}

/**
 * A value shown as JSON (a tool's output, an approval's arguments): JSON.stringify escapes C0
 * controls, `"` and `\`; DEL, C1 controls and bidi/format characters are written as `\uXXXX`
 * too, so the text is still JSON that means the same value.
 * @param value - any JSON value
 * @param options - `indent` (2 by default; 0 for one line), `maxLength` to cut the text with `...`
 * @returns the text
 */
export function terminalJson(value: unknown, options: { indent?: number; maxLength?: number } = {}): TerminalText {
  const indent = options.indent ?? 2;
  const text = escapeTerminalText(JSON.stringify(value, null, indent === 0 ? undefined : indent) ?? "null", "json");
  const { maxLength } = options;
  return TerminalText.of(maxLength !== undefined && text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 3))}...` : text);
}

/**
 * Joins lines (or other pieces) with `separator`.
 * @param pieces - safe pieces
 * @param separator - between pieces; `"\n"` by default
 * @returns the joined text
 */
export function terminalLines(pieces: readonly TerminalText[], separator = "\n"): TerminalText {
  return TerminalText.of(pieces.map((one) => one.text).join(separator));
}
