import { type Readable, Writable } from "node:stream";
import { toJsonOutput } from "./json-output.js";
import { colorEnabled, renderStyled, StyledText } from "./terminal-style.js";
import { escapeTerminalText, TerminalText } from "./terminal-text.js";

/** Where a command writes; tests pass their own streams. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** Environment for `MC_*` settings. */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdin is an interactive terminal (`--yes` needs one). */
  stdinIsTty: boolean;
  /** Where an interactive answer is read from (`mc approvals approve` asks y/N at a terminal); absent: no answer, so "no". */
  stdin?: Readable;
}

/** Global options every command takes. */
export interface GlobalOptions {
  json?: boolean;
}

/**
 * The one door to the terminal: every write is passed through
 * {@link escapeTerminalText} (`"output"` mode), so no control, bidi or invisible format
 * character reaches the screen, whichever command wrote it and however — commander's help and
 * errors, `mc mcp serve`'s messages, a command that forgot to escape a value. Only
 * {@link TerminalStream.writeExact} (`--json`) bypasses it.
 */
export class TerminalStream extends Writable {
  readonly #target: Writable;

  /**
   * @param target - the real stream
   */
  constructor(target: Writable) {
    super({ decodeStrings: false });
    this.#target = target;
  }

  /**
   * Writes `text` byte for byte (JSON for programs, which must get the data exactly).
   * @param text - the text
   */
  writeExact(text: string): void {
    this.#target.write(text);
  }

  /** Whether the real stream is a terminal (decides colour). */
  get isTTY(): boolean {
    return (this.#target as { isTTY?: boolean }).isTTY === true;
  }

  /**
   * Writes styled human text: each segment escaped again, then coloured from mc's fixed SGR
   * table when `color` — the only way an escape sequence reaches the terminal.
   * @param text - the styled text
   * @param color - whether to colour
   */
  writeStyled(text: StyledText, color: boolean): void {
    this.#target.write(renderStyled(text, color));
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Passed on at once and acknowledged at once: nothing waits in this stream, so human and
    // exact writes reach the target in the order they were made.
    this.#target.write(escapeTerminalText(Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk), "output"));
    callback();
  }
}

/**
 * The same io with stdout and stderr behind {@link TerminalStream}s (once; already wrapped
 * streams stay as they are).
 * @param io - the io as given
 * @returns the io every command gets
 */
export function terminalIo(io: CliIo): CliIo {
  const wrap = (stream: Writable) => (stream instanceof TerminalStream ? stream : new TerminalStream(stream));
  // Copied with its getters (a spread would read them): stdin stays unmade until a command reads it.
  const wrapped = Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as CliIo;
  wrapped.stdout = wrap(io.stdout);
  wrapped.stderr = wrap(io.stderr);
  return wrapped;
}

/**
 * Writes text exactly when `stream` is a {@link TerminalStream}, else as is.
 * @param stream - stdout
 * @param text - JSON text
 */
export function writeExact(stream: Writable, text: string): void {
  if (stream instanceof TerminalStream) stream.writeExact(text);
  else stream.write(text);
}

/**
 * Whether human output on `io.stdout` is coloured: a terminal, or `FORCE_COLOR`, and never
 * under `NO_COLOR`.
 * @param io - the io
 * @returns whether to colour
 */
export function useColor(io: CliIo): boolean {
  return colorEnabled(io.env, (io.stdout as { isTTY?: boolean }).isTTY === true);
}

/**
 * Writes a value: exact JSON (keys in snake_case) when `--json`, else the human text. Human text is
 * {@link TerminalText} or {@link StyledText} (values escaped where it was built; styled text is
 * coloured only when {@link useColor}); a plain string is still passed through the terminal
 * stream's escaping, but a newline in a value could start a line.
 * @param io - output streams
 * @param options - global options
 * @param value - the structured value
 * @param human - the text for people
 */
export function emit(io: CliIo, options: GlobalOptions, value: unknown, human: () => TerminalText | StyledText | string): void {
  if (options.json) {
    // One key casing for programs: snake_case (see json-output.ts).
    writeExact(io.stdout, `${JSON.stringify(toJsonOutput(value), null, 2)}\n`);
    return;
  }
  const text = human();
  if (text instanceof StyledText) {
    const color = useColor(io);
    if (color && io.stdout instanceof TerminalStream) {
      io.stdout.writeStyled(styledLine(text), true);
      return;
    }
    io.stdout.write(`${renderStyled(text, false)}\n`);
    return;
  }
  io.stdout.write(`${text instanceof TerminalText ? text.text : text}\n`);
}

function styledLine(text: StyledText): StyledText {
  return StyledText.of([...text.segments, { text: TerminalText.of("\n"), style: undefined }]);
}
