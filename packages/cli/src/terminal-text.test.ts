import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TerminalStream } from "./io.js";
import { escapeTerminalText, hasUnsafeTerminalText, terminalCell, terminalJson, terminalLines, terminalText } from "./terminal-text.js";

// What a terminal must never receive: C0 (but \n), DEL, C1, and the bidi/format/invisible set.
const FORBIDDEN =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|[\ud800-\udfff]/u;
const FORBIDDEN_OR_NEWLINE = new RegExp(`${FORBIDDEN.source}|\\n`, "u");
const anyText = fc.string({ unit: "binary", maxLength: 40 });
const dangerous = fc.constantFrom(
  "\u001b",
  "\u009b",
  "\u202e",
  "\u2066",
  "\u2069",
  "\u200d",
  "\u0000",
  "\u007f",
  "\r",
  "\b",
  "\t",
  "\n",
  "\ufeff",
  "\u{e0041}",
  "\ud800",
);
const mixedText = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), dangerous, fc.constant("\\"), fc.constant("x1b")), { maxLength: 12 })
  .map((parts) => parts.join(""));
const printable = fc.string({ unit: "grapheme-ascii", maxLength: 60 }).filter((text) => !/[\u0000-\u001f\u007f\\]/.test(text));

describe("escapeTerminalText", () => {
  it("should never leave a control, bidi or invisible format character, in any mode", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, mixedText), (text) => {
        expect(escapeTerminalText(text, "value")).not.toMatch(FORBIDDEN_OR_NEWLINE);
        expect(escapeTerminalText(text, "line")).not.toMatch(FORBIDDEN_OR_NEWLINE);
        expect(escapeTerminalText(JSON.stringify(text), "json")).not.toMatch(FORBIDDEN_OR_NEWLINE);
        expect(escapeTerminalText(text, "output")).not.toMatch(FORBIDDEN);
        expect(hasUnsafeTerminalText(escapeTerminalText(text, "output"))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("should pass printable text unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(printable, fc.constantFrom("nginx.service", "Ünïcödé ✓ 日本語 مرحبا", "a b\u00a0c", "👍🏽")), (text) => {
        expect(escapeTerminalText(text, "value")).toBe(text);
        expect(escapeTerminalText(text, "output")).toBe(text);
      }),
    );
  });

  it("should tell any two different values apart (value mode is injective)", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, mixedText), fc.oneof(anyText, mixedText), (left, right) => {
        fc.pre(left !== right);
        expect(escapeTerminalText(left)).not.toBe(escapeTerminalText(right));
      }),
      { numRuns: 5000 },
    );
    expect(escapeTerminalText("\\x1b")).not.toBe(escapeTerminalText("\u001b"));
    expect(escapeTerminalText("\\\u001b")).not.toBe(escapeTerminalText("\\x1b"));
  });

  it("should write the escapes journalctl-style", () => {
    expect(escapeTerminalText("\u001b[1A\u001b[2K\rsshd\u202e\u0000\u007f\u009b\t\n\\")).toBe("\\x1b[1A\\x1b[2K\\rsshd\\u202e\\x00\\x7f\\u009b\\t\\n\\\\");
    expect(escapeTerminalText("a\nb\\c", "output")).toBe("a\nb\\c");
    expect(escapeTerminalText("a\nb\\c", "line")).toBe("a\\nb\\c");
    expect(escapeTerminalText("tag\u{e0041}", "value")).toBe("tag\\u{e0041}");
    expect(escapeTerminalText("tag\u{e0041}", "json")).toBe("tag\\udb40\\udc41");
  });
});

describe("terminalText", () => {
  it("should escape interpolated strings, newlines included, and keep the layout's own newlines", () => {
    const name = "evil\n\u001b[1Aid apr_x";
    expect(terminalText`client ${name}\nnext ${3}`.text).toBe("client evil\\n\\x1b[1Aid apr_x\nnext 3");
  });

  it("should pad cells on the escaped text and leave nested safe text alone", () => {
    expect(terminalLines([terminalCell("a\u202e", 8), terminalCell(42, 4, "right")], "|").text).toBe("a\\u202e |  42");
    expect(terminalLines([terminalCell("日本", 6), terminalCell("web-1", 6)], "|").text).toBe("日本  |web-1 ");
    expect(terminalText`${terminalText`${"\u0007"}`}`.text).toBe("\\x07");
  });

  it("should show JSON that still parses to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.oneof(anyText, mixedText), (value, text) => {
        const shown = terminalJson({ value, text }).text;
        expect(shown).not.toMatch(FORBIDDEN);
        expect(JSON.parse(shown)).toStrictEqual(JSON.parse(JSON.stringify({ value, text })));
      }),
    );
  });
});

describe("TerminalStream", () => {
  it("should escape every write but writeExact, in order", () => {
    const chunks: string[] = [];
    const target = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    });
    const stream = new TerminalStream(target);
    stream.write("a\u001b]52;c;AAAA\u0007\n");
    stream.writeExact('{"x":"\u202e"}\n');
    stream.write(Buffer.from("b\u009b31m\n"));
    expect(chunks).toStrictEqual(["a\\x1b]52;c;AAAA\\x07\n", '{"x":"\u202e"}\n', "b\\u009b31m\n"]);
  });
});
