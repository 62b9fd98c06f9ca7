import { describe, expect, it } from "vitest";
import { colorEnabled, renderStyled, STYLE_SEQUENCES, styled, styledLines } from "./terminal-style.js";
import { hasUnsafeTerminalText } from "./terminal-text.js";

const HOSTILE = ["nginx\u001b[2J\u001b[31mFAKE", "a\u009b31mb", "evil\u202edshs", "x\ny", "\u001b]8;;http://x\u0007link", "tab\there"];
const OWN = new Set(Object.values(STYLE_SEQUENCES).flat());

/** Removes the SGR pairs mc writes; what is left must hold no control character. */
function withoutOwnSequences(text: string): string {
  let rest = text;
  for (const sequence of OWN) rest = rest.split(sequence).join("");
  return rest;
}

describe("renderStyled", () => {
  it("should colour only with its own SGR pairs, whatever the values hold", () => {
    const text = styledLines(HOSTILE.map((value, index) => styled(value, index % 2 === 0 ? "red" : "bold")));
    const coloured = renderStyled(text, true);
    expect(coloured).toContain(STYLE_SEQUENCES.red[0]);
    expect(coloured).toContain(STYLE_SEQUENCES.bold[0]);
    expect(hasUnsafeTerminalText(withoutOwnSequences(coloured))).toBe(false);
    // Every ESC in the output starts one of mc's own sequences.
    const escapes = [...coloured.matchAll(/\u001b\[[0-9;]*m/gu)].map((match) => match[0]);
    expect(escapes.length).toBe(coloured.split("\u001b").length - 1);
    for (const escape of escapes) expect(OWN.has(escape)).toBe(true);
  });

  it("should show the same text without colour, and values escaped", () => {
    const text = styledLines([styled("ok", "green"), styled("nginx\u001b[2J", "red")], " ");
    expect(renderStyled(text, false)).toBe("ok nginx\\x1b[2J");
    expect(renderStyled(text, true)).toBe(
      `${STYLE_SEQUENCES.green[0]}ok${STYLE_SEQUENCES.green[1]} ${STYLE_SEQUENCES.red[0]}nginx\\x1b[2J${STYLE_SEQUENCES.red[1]}`,
    );
  });

  it("should end a style at each line break", () => {
    const text = styledLines([styled("a"), styled("b")]);
    expect(renderStyled(styled(text, "cyan"), true)).toBe(
      `${STYLE_SEQUENCES.cyan[0]}a${STYLE_SEQUENCES.cyan[1]}\n${STYLE_SEQUENCES.cyan[0]}b${STYLE_SEQUENCES.cyan[1]}`,
    );
  });
});

describe("colorEnabled", () => {
  it("should follow NO_COLOR, FORCE_COLOR and the terminal", () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: "1", FORCE_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: "" }, true)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: "0" }, false)).toBe(false);
  });
});
