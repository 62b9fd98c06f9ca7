// Tables and key/value blocks for people, in the manner of `systemctl list-units`: a header
// row, aligned columns, a one-line summary. Every cell is escaped as a value before it is
// measured, so a newline or an escape sequence in a value shows as `\n`/`\x1b` and can never
// start a line or shift a column. Widths are string-width's (grapheme clusters, East Asian
// Width and emoji as terminals draw them) rather than a hand-kept table of ranges; it only ever
// sees escaped text, so its own ANSI stripping never hides anything.

import { styled, styledLines, StyledText, type StyledValue, type TerminalStyle } from "./terminal-style.js";
import { terminalJson, terminalText, TerminalText } from "./terminal-text.js";
import { displayWidth, isOneColumnEach } from "./terminal-width.js";

/** A cell: a value (escaped when a string) or styled text. */
export type TableCell = StyledValue | null | undefined;

/** One column of a {@link renderTable} table. */
export interface TableColumn {
  /** The header, shown upper-case and bold. */
  header: string;
  /** `"right"` for numbers; `"left"` by default. */
  align?: "left" | "right";
  /** Longest cell shown (display columns); longer cells are cut with `…`. Not applied to the last column. */
  maxWidth?: number;
}

const DEFAULT_MAX_WIDTH = 60;

/**
 * A table: a bold header row, columns two spaces apart, the last column not padded.
 * @param columns - the columns
 * @param rows - one array of cells per row, in column order
 * @returns the table's lines
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly TableCell[])[]): StyledText {
  const cells = rows.map((row) =>
    columns.map((column, index) => {
      const cell = toStyled(row[index]);
      return index === columns.length - 1 ? cell : truncate(cell, column.maxWidth ?? DEFAULT_MAX_WIDTH);
    }),
  );
  const headers = columns.map((column) => styled(column.header.toUpperCase(), "bold"));
  const widths = columns.map((_, index) =>
    Math.max(displayWidth(headers[index]?.toString() ?? ""), ...cells.map((row) => displayWidth(row[index]?.toString() ?? ""))),
  );
  const line = (row: readonly StyledText[]) =>
    styledLines(
      row.map((cell, index) => {
        const last = index === row.length - 1;
        const pad = " ".repeat(Math.max(0, (widths[index] ?? 0) - displayWidth(cell.toString())));
        if (columns[index]?.align === "right") return styledLines([pad, cell], "");
        return last ? cell : styledLines([cell, pad], "");
      }),
      "  ",
    );
  return styledLines([line(headers), ...cells.map(line)]);
}

/**
 * Key/value lines with the keys aligned (`key   value`). A string value of several lines is
 * shown below its key, each line indented and escaped on its own.
 * @param pairs - keys and values; `null`/`undefined` values show as `-`
 * @returns the lines
 */
export function renderKeyValues(pairs: readonly (readonly [key: string, value: TableCell])[]): StyledText {
  const width = Math.max(0, ...pairs.map(([key]) => displayWidth(terminalText`${key}`.text)));
  return styledLines(
    pairs.map(([key, value]) => {
      const label = styledLines([styled(`${key}:`, "bold"), " ".repeat(width - displayWidth(terminalText`${key}`.text) + 1)], "");
      if (typeof value === "string" && value.includes("\n")) {
        const lines = value.replace(/\n$/u, "").split("\n");
        return styledLines([styled(`${key}:`, "bold"), ...lines.map((text) => styledLines([styled("  │ ", "dim"), text], ""))]);
      }
      return styledLines([label, toStyled(value)], "");
    }),
  );
}

// One segmenter for every cut, made at the first cut that needs it: splitting by grapheme keeps a
// base and its combining marks, an emoji sequence or a Hangul syllable whole, as string-width
// measures them.
let graphemes: Intl.Segmenter | undefined;

function toStyled(value: TableCell): StyledText {
  if (value === null || value === undefined) return styled("-", "dim");
  return styled(value);
}

function truncate(cell: StyledText, maxWidth: number): StyledText {
  if (displayWidth(cell.toString()) <= maxWidth) return cell;
  const segments: { text: TerminalText; style: TerminalStyle | undefined }[] = [];
  let room = maxWidth - 1;
  for (const segment of cell.segments) {
    const [kept, width] = cut(segment.text.text, room);
    room -= width;
    // Cut text was escaped whole, so a cut can end inside an escape (`\x1`): still only
    // printable characters.
    segments.push({ text: TerminalText.of(kept), style: segment.style });
    if (room <= 0 || kept.length < segment.text.text.length) break;
  }
  segments.push({ text: TerminalText.of("…"), style: "dim" });
  return StyledText.of(segments);
}

/** The longest run of whole graphemes from the start of `text` that fits in `room` columns, and its width. */
function cut(text: string, room: number): [kept: string, width: number] {
  if (isOneColumnEach(text)) {
    // Each character is a grapheme of one column: the cut the loop below would make.
    const kept = text.slice(0, Math.max(0, room));
    return [kept, kept.length];
  }
  let kept = "";
  let used = 0;
  for (const { segment: grapheme } of (graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text)) {
    const width = displayWidth(grapheme);
    if (used + width > room) break;
    kept += grapheme;
    used += width;
  }
  return [kept, used];
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/**
 * A size for people: `512 B`, `1.5 KiB`, `20 GiB`.
 * @param bytes - the size
 * @returns the size with a binary unit
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${BYTE_UNITS[unit]}`;
}

/**
 * A duration for people: `45s`, `3m 20s`, `2d 4h`.
 * @param seconds - the duration
 * @returns the two largest units
 */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const parts: [number, string][] = [
    [Math.floor(whole / 86_400), "d"],
    [Math.floor((whole % 86_400) / 3600), "h"],
    [Math.floor((whole % 3600) / 60), "m"],
    [whole % 60, "s"],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(" ");
}

const ISO_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/u;

/**
 * A field's value for people, chosen by its key: sizes (`bytes`, `*_bytes`), durations
 * (`*_seconds`, `*_ms`), ISO times shortened to the second, booleans as yes/no, objects as
 * one line of JSON. Strings are escaped where they are shown.
 * @param key - the field's name
 * @param value - its value
 * @returns the cell
 */
export function humanValue(key: string, value: unknown): TableCell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    if (key === "bytes" || key.endsWith("_bytes") || key === "size") return formatBytes(value);
    if (key.endsWith("_seconds")) return formatDuration(value);
    if (key.endsWith("_ms") || key.endsWith("Ms")) return `${value} ms`;
    return value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") {
    const time = ISO_TIME.exec(value);
    if (time) return `${time[1]} ${time[2]}${time[3] === "Z" ? " UTC" : ` ${time[3]}`}`;
    return value;
  }
  if (Array.isArray(value) && value.length === 0) return null;
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number")) return value.map(String).join(", ");
  // A list of small records in a cell (an interface's addresses): each record's values on one line.
  if (Array.isArray(value) && value.every(isPlainObject)) return value.map(recordSummary).join(", ");
  return terminalJson(value, { indent: 0, maxLength: 200 });
}

/**
 * A tool's structured output for people: scalar fields as aligned key/values, each list of
 * records as a table with a header and a count, other lists and objects as one line of JSON.
 * @param output - the tool's output
 * @returns the text
 */
export function renderToolOutput(output: unknown): StyledText {
  if (Array.isArray(output)) return renderRecords("items", output);
  if (output === null || typeof output !== "object") return styled(humanValue("value", output) ?? "-");
  const entries = Object.entries(output as Record<string, unknown>);
  const scalars = entries.filter(([, value]) => !isRecordList(value) && !isPlainObject(value));
  const blocks: StyledText[] = [];
  if (scalars.length > 0)
    blocks.push(renderKeyValues(scalars.map(([key, value]) => [key, typeof value === "string" && value.includes("\n") ? value : humanValue(key, value)])));
  for (const [key, value] of entries) {
    if (isPlainObject(value))
      blocks.push(
        styledLines([
          styled(`${key}:`, "bold"),
          indent(renderKeyValues(Object.entries(value).map(([inner, innerValue]) => [inner, humanValue(inner, innerValue)]))),
        ]),
      );
    else if (isRecordList(value)) blocks.push(renderRecords(key, value));
  }
  return styledLines(blocks, "\n\n");
}

function renderRecords(key: string, records: readonly unknown[]): StyledText {
  if (records.length === 0) return styled(terminalText`no ${key}`, "dim");
  const rows = records as Record<string, unknown>[];
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const table = renderTable(
    keys.map((name) => ({
      header: name.replaceAll("_", " "),
      align: rows.every((row) => typeof row[name] === "number" || row[name] === null || row[name] === undefined) ? "right" : "left",
    })),
    rows.map((row) => keys.map((name) => humanValue(name, row[name]))),
  );
  return styledLines([table, styled(terminalText`${records.length} ${key}`, "dim")]);
}

function indent(text: StyledText): StyledText {
  const segments: StyledText[] = [styled("  ")];
  for (const segment of text.segments) {
    const parts = segment.text.text.split("\n");
    parts.forEach((part, index) => {
      if (index > 0) segments.push(styled(TerminalText.of("\n  ")));
      segments.push(StyledText.of([{ text: TerminalText.of(part), style: segment.style }]));
    });
  }
  return styledLines(segments, "");
}

function recordSummary(record: Record<string, unknown>): string {
  if (typeof record.address === "string" && typeof record.prefix_length === "number") return `${record.address}/${record.prefix_length}`;
  return Object.values(record)
    .filter((item) => item !== null && typeof item !== "object")
    .map(String)
    .join(" ");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isRecordList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isPlainObject);
}
