import fc from "fast-check";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { displayWidth, isOneColumnEach } from "./terminal-width.js";

// Pieces that string-width treats specially, mixed with random characters of every kind.
const SPECIAL = [
  "\u200d", // zero-width joiner
  "\ufe0f", // emoji presentation selector
  "\ufe0e", // text presentation selector
  "\u20e3", // combining keycap
  "\u0301", // combining acute
  "\u0903", // Devanagari spacing mark
  "\u00ad", // soft hyphen
  "\u00a9",
  "\u00ae",
  "\u2122",
  "\u231a",
  "\u2026",
  "\u2502",
  "\u2013",
  "\u2014",
  "\ud800", // lone surrogates
  "\udfff",
  "\u001b[31m",
  "\u001b[0m",
  "\u001b]8;;http://x\u0007",
  "\u009b2J",
  "\u001b",
  "\u009b",
  "\t",
  "\r\n",
  "\u1100",
  "\u1161",
  "\u11a8", // Hangul jamo L, V, T
  "\uff9e",
  "\uff70", // halfwidth forms
  "\ud83c\uddfa\ud83c\uddf8", // a flag
  "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", // a family (ZWJ sequence)
  "\ud83d\udc4d\ud83c\udffd", // skin tone
  "1\u20e3",
  "#\ufe0f\u20e3",
  "\u2764\ufe0f",
  "\ud83c\udff4\udb40\udc67\udb40\udc62\udb40\udc65\udb40\udc6e\udb40\udc67\udb40\udc7f", // tag sequence
];

const piece = fc.oneof(
  fc.constantFrom(...SPECIAL),
  fc.string({ unit: "grapheme-ascii", maxLength: 4 }),
  fc.integer({ min: 0x00, max: 0xff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0x0300, max: 0x036f }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0x2000, max: 0x2bff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0x3000, max: 0x9fff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0xac00, max: 0xd7ff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xfe00, max: 0xffff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0x1f000, max: 0x1faff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0xe0000, max: 0xe007f }).map((code) => String.fromCodePoint(code)),
  fc.string({ unit: "binary", maxLength: 3 }),
  fc.string({ unit: "grapheme", maxLength: 3 }),
);
const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(""));

describe("displayWidth", () => {
  it("should give string-width's width for any text", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(displayWidth(value)).toBe(stringWidth(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("should see every pair of one-column characters as two graphemes of one column each", () => {
    const set: string[] = [];
    for (let code = 0; code <= 0xffff; code += 1) if (isOneColumnEach(String.fromCharCode(code))) set.push(String.fromCharCode(code));
    const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    for (const left of set)
      for (const right of set) {
        const pair = left + right;
        if (stringWidth(pair) !== 2 || [...segmenter.segment(pair)].length !== 2) expect([pair, stringWidth(pair)]).toStrictEqual([pair, 2]);
      }
  });

  it("should count every character of a one-column text as one grapheme of one column", () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    fc.assert(
      fc.property(text, (value) => {
        if (!isOneColumnEach(value)) return;
        expect(stringWidth(value)).toBe(value.length);
        expect([...segmenter.segment(value)].map(({ segment }) => segment)).toStrictEqual([...value]);
      }),
      { numRuns: 5000 },
    );
    for (let code = 0; code <= 0xffff; code += 1) {
      const character = String.fromCharCode(code);
      if (isOneColumnEach(character)) expect(stringWidth(character), `U+${code.toString(16)}`).toBe(1);
    }
  });
});
