// Colour is added last, on text that is already escaped, and only from the fixed table below:
// a segment's text is TerminalText (every outside value escaped where it was built) and is
// escaped once more when rendered, so the only escape sequences that can reach a terminal are
// the SGR pairs mc wrote itself. The choice of whether to colour at all is the io layer's.

import { escapeTerminalText, terminalText, TerminalText, type TerminalValue } from "./terminal-text.js";

/** The styles mc uses: a closed set, each one SGR pair. */
export type TerminalStyle = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

/**
 * The SGR sequence that starts and the one that ends each style (ends reset only what they
 * set, so styles nest). These are the only escape sequences mc writes to a terminal.
 */
export const STYLE_SEQUENCES: Readonly<Record<TerminalStyle, readonly [start: string, end: string]>> = {
  bold: ["\u001b[1m", "\u001b[22m"],
  dim: ["\u001b[2m", "\u001b[22m"],
  red: ["\u001b[31m", "\u001b[39m"],
  green: ["\u001b[32m", "\u001b[39m"],
  yellow: ["\u001b[33m", "\u001b[39m"],
  cyan: ["\u001b[36m", "\u001b[39m"],
};

/** One run of escaped text and the style it is shown in. */
export interface StyledSegment {
  /** The escaped text. */
  readonly text: TerminalText;
  /** Its style, or none. */
  readonly style: TerminalStyle | undefined;
}

/**
 * Human output with styles: escaped text in runs, each with at most one style. Made by
 * {@link styled} and {@link styledLines}; turned into characters by {@link renderStyled}.
 */
export class StyledText {
  /** The runs, in order. */
  readonly segments: readonly StyledSegment[];

  private constructor(segments: readonly StyledSegment[]) {
    this.segments = segments;
  }

  /** @internal */
  static of(segments: readonly StyledSegment[]): StyledText {
    return new StyledText(segments);
  }

  /**
   * The text without styles.
   * @returns the escaped text
   */
  toString(): string {
    return this.segments.map((segment) => segment.text.text).join("");
  }
}

/** What the styled builders take: text (escaped as a value when a string) or styled text. */
export type StyledValue = TerminalValue | StyledText;

/**
 * A value in a style: strings are escaped as values (see `terminalText`).
 * @param value - the value
 * @param style - the style, or none
 * @returns the styled text
 */
export function styled(value: StyledValue, style?: TerminalStyle): StyledText {
  if (value instanceof StyledText)
    return style === undefined ? value : StyledText.of(value.segments.map((segment) => ({ text: segment.text, style: segment.style ?? style })));
  const text = value instanceof TerminalText ? value : terminalText`${value}`;
  return StyledText.of([{ text, style }]);
}

/**
 * Joins pieces with `separator` (unstyled), keeping each piece's styles.
 * @param pieces - styled or plain pieces
 * @param separator - between pieces; `"\n"` by default
 * @returns the joined text
 */
export function styledLines(pieces: readonly StyledValue[], separator = "\n"): StyledText {
  const segments: StyledSegment[] = [];
  const between = TerminalText.of(escapeTerminalText(separator, "output"));
  pieces.forEach((piece, index) => {
    if (index > 0 && separator !== "") segments.push({ text: between, style: undefined });
    segments.push(...styled(piece).segments);
  });
  return StyledText.of(segments);
}

/**
 * The characters to write: each segment escaped once more (`"output"` mode: a no-op on text
 * that was escaped, a guard if it was not), then wrapped in its style's SGR pair when `color`.
 * @param text - the styled text
 * @param color - whether to add colour (a terminal, no `NO_COLOR`)
 * @returns the text for the terminal
 */
export function renderStyled(text: StyledText | TerminalText, color: boolean): string {
  if (text instanceof TerminalText) return escapeTerminalText(text.text, "output");
  return text.segments
    .map((segment) => {
      const safe = escapeTerminalText(segment.text.text, "output");
      if (!color || segment.style === undefined || safe === "") return safe;
      const [start, end] = STYLE_SEQUENCES[segment.style];
      // Styles end at each newline and start again after it, so a pager or a cut line never
      // carries a colour into the next line.
      return safe
        .split("\n")
        .map((line) => (line === "" ? line : `${start}${line}${end}`))
        .join("\n");
    })
    .join("");
}

/**
 * Whether human output is coloured: never under `NO_COLOR` (any non-empty value,
 * no-color.org), always under `FORCE_COLOR` (other than `0`), else when stdout is a terminal.
 * @param env - the environment
 * @param stdoutIsTty - whether stdout is a terminal
 * @returns whether to colour
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, stdoutIsTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stdoutIsTty;
}
