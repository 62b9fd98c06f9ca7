import type { KeyPath } from "./key-path.js";

/** A 1-based position in the source text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Finds where a key path is written in a TOML document. */
export interface SourceLocator {
  /**
   * @param path - a key path of the parsed document
   * @returns where that key (or, failing that, its nearest written ancestor) starts
   */
  locate(path: KeyPath): SourcePosition;
}

/**
 * Records where each key, table header and array element of an already valid TOML document
 * is written. This is a locator, not a parser: it only follows the structure (headers, keys,
 * strings, arrays, inline tables) far enough to attach positions to key paths, because the
 * TOML library reports positions for syntax errors only and schema errors need them too.
 * @param text - a document the TOML parser accepted
 * @returns a locator; positions it cannot find fall back to an ancestor, then to 1:1
 */
export function createSourceLocator(text: string): SourceLocator {
  const positions = new Map<string, SourcePosition>();
  try {
    new Scanner(text, positions).scanDocument();
  } catch {
    // The document is valid TOML; should the scanner still stumble, the positions found so far
    // remain, and lookups fall back to ancestors.
  }
  return {
    locate(path: KeyPath): SourcePosition {
      for (let length = path.length; length > 0; length -= 1) {
        const found = positions.get(JSON.stringify(path.slice(0, length)));
        if (found) return found;
      }
      return { line: 1, column: 1 };
    },
  };
}

class Scanner {
  private index = 0;
  private readonly lineStarts: number[] = [0];
  /** Number of elements seen so far for each array of tables, by resolved path. */
  private readonly arrayTableCounts = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly positions: Map<string, SourcePosition>,
  ) {
    for (let position = 0; position < text.length; position += 1) {
      if (text[position] === "\n") this.lineStarts.push(position + 1);
    }
  }

  scanDocument(): void {
    let table: (string | number)[] = [];
    for (;;) {
      this.skipWhitespaceNewlinesAndComments();
      if (this.index >= this.text.length) return;
      const start = this.index;
      if (this.text.startsWith("[[", this.index)) {
        this.index += 2;
        const keys = this.readDottedKey();
        this.expect("]]");
        table = this.resolveHeader(keys, true, start);
      } else if (this.text[this.index] === "[") {
        this.index += 1;
        const keys = this.readDottedKey();
        this.expect("]");
        table = this.resolveHeader(keys, false, start);
      } else {
        this.scanKeyValue(table);
      }
      this.skipRestOfLine();
    }
  }

  private resolveHeader(keys: string[], isArrayOfTables: boolean, start: number): (string | number)[] {
    const resolved: (string | number)[] = [];
    keys.forEach((key, keyIndex) => {
      resolved.push(key);
      const resolvedKey = JSON.stringify(resolved);
      const last = keyIndex === keys.length - 1;
      if (last && isArrayOfTables) {
        const count = (this.arrayTableCounts.get(resolvedKey) ?? 0) + 1;
        this.arrayTableCounts.set(resolvedKey, count);
        this.record(resolved, start);
        resolved.push(count - 1);
      } else {
        const count = this.arrayTableCounts.get(resolvedKey);
        if (count !== undefined) resolved.push(count - 1);
      }
      this.record(resolved, start);
    });
    return resolved;
  }

  private scanKeyValue(table: (string | number)[]): void {
    const path = [...table];
    for (const [key, keyStart] of this.readDottedKeyWithStarts()) {
      path.push(key);
      this.record(path, keyStart);
    }
    this.skipInlineWhitespace();
    this.expect("=");
    this.skipInlineWhitespace();
    this.scanValue(path);
  }

  private scanValue(path: (string | number)[]): void {
    const text = this.text;
    if (text.startsWith('"""', this.index)) {
      this.index += 3;
      this.skipUntilClosing('"""', true);
    } else if (text.startsWith("'''", this.index)) {
      this.index += 3;
      this.skipUntilClosing("'''", false);
    } else if (text[this.index] === '"') {
      this.index += 1;
      this.skipUntilClosing('"', true);
    } else if (text[this.index] === "'") {
      this.index += 1;
      this.skipUntilClosing("'", false);
    } else if (text[this.index] === "[") {
      this.index += 1;
      for (let element = 0; ; element += 1) {
        this.skipWhitespaceNewlinesAndComments();
        if (text[this.index] === "]") break;
        const elementPath = [...path, element];
        this.record(elementPath, this.index);
        this.scanValue(elementPath);
        this.skipWhitespaceNewlinesAndComments();
        if (text[this.index] === ",") this.index += 1;
        else break;
      }
      this.skipWhitespaceNewlinesAndComments();
      this.expect("]");
    } else if (text[this.index] === "{") {
      this.index += 1;
      for (;;) {
        this.skipInlineWhitespace();
        if (text[this.index] === "}") break;
        this.scanKeyValue(path);
        this.skipInlineWhitespace();
        if (text[this.index] === ",") this.index += 1;
        else break;
      }
      this.skipInlineWhitespace();
      this.expect("}");
    } else {
      // A bare scalar (number, boolean, date-time): it ends at a separator, comment or line end.
      while (this.index < text.length && !/[,\]}#\r\n]/.test(text[this.index] as string)) this.index += 1;
    }
  }

  private skipUntilClosing(closing: string, escapes: boolean): void {
    while (this.index < this.text.length) {
      if (escapes && this.text[this.index] === "\\") {
        this.index += 2;
        continue;
      }
      if (this.text.startsWith(closing, this.index)) {
        this.index += closing.length;
        // A multi-line string may end with up to two quotes of its own before its delimiter.
        if (closing.length === 3) {
          while (this.text[this.index] === closing[0]) this.index += 1;
        }
        return;
      }
      this.index += 1;
    }
  }

  private readDottedKey(): string[] {
    return this.readDottedKeyWithStarts().map(([key]) => key);
  }

  private readDottedKeyWithStarts(): [string, number][] {
    const keys: [string, number][] = [];
    for (;;) {
      this.skipInlineWhitespace();
      const start = this.index;
      keys.push([this.readSimpleKey(), start]);
      this.skipInlineWhitespace();
      if (this.text[this.index] !== ".") return keys;
      this.index += 1;
    }
  }

  private readSimpleKey(): string {
    const text = this.text;
    const quote = text[this.index];
    if (quote === '"' || quote === "'") {
      const start = this.index;
      this.index += 1;
      this.skipUntilClosing(quote, quote === '"');
      const raw = text.slice(start, this.index);
      return quote === '"' ? decodeBasicString(raw) : raw.slice(1, -1);
    }
    const match = /^[A-Za-z0-9_-]+/.exec(text.slice(this.index, this.index + 1024));
    if (!match) throw new Error("expected a key");
    this.index += match[0].length;
    return match[0];
  }

  private record(path: readonly (string | number)[], offset: number): void {
    const key = JSON.stringify(path);
    if (!this.positions.has(key)) this.positions.set(key, this.position(offset));
  }

  private position(offset: number): SourcePosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] as number) + 1 };
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.index)) throw new Error(`expected ${token}`);
    this.index += token.length;
  }

  private skipInlineWhitespace(): void {
    while (this.text[this.index] === " " || this.text[this.index] === "\t") this.index += 1;
  }

  private skipRestOfLine(): void {
    while (this.index < this.text.length && this.text[this.index] !== "\n") this.index += 1;
  }

  private skipWhitespaceNewlinesAndComments(): void {
    for (;;) {
      const character = this.text[this.index];
      if (character === " " || character === "\t" || character === "\r" || character === "\n") this.index += 1;
      else if (character === "#") this.skipRestOfLine();
      else return;
    }
  }
}

function decodeBasicString(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    // TOML escapes JSON lacks (\U0001F600, \e): a key spelled that way is rare enough to
    // locate by its raw text.
    return raw.slice(1, -1);
  }
}
