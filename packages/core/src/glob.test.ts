import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, matchGlob } from "./glob.js";

function matches(pattern: string, subject: string): boolean {
  const compiled = compileGlob(pattern);
  if (!compiled.ok) throw new Error(compiled.message);
  return matchGlob(compiled.glob, subject);
}

describe("compileGlob", () => {
  it.each([
    ["nginx.service", "nginx.service", true],
    ["nginx.service", "nginx.services", false],
    ["nginx.service", "xnginx.service", false],
    ["app-*.service", "app-web.service", true],
    ["app-*.service", "app-.service", true],
    ["app-*.service", "app-web.socket", false],
    ["app-?.service", "app-1.service", true],
    ["app-?.service", "app-12.service", false],
    ["*", "anything.service", true],
    ["[abc]x", "bx", true],
    ["[abc]x", "dx", false],
    ["[a-c]x", "cx", true],
    ["[!a-c]x", "dx", true],
    ["[!a-c]x", "ax", false],
    ["[^a-c]x", "ax", false],
    ["[]]x", "]x", true],
    ["[!]]x", "]x", false],
    ["[-a]x", "-x", true],
    ["[a-]x", "-x", true],
    ["\\*.service", "*.service", true],
    ["\\*.service", "a.service", false],
    ["a.service", "aXservice", false],
    ["getty@*.service", "getty@tty1.service", true],
    ["x(1)+.service", "x(1)+.service", true],
    ["x(1)+.service", "x11.service", false],
  ])("should match %j against %j as %s", (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
  });

  it.each([
    ["*.ini", "a.ini", true],
    ["*.ini", "conf.d/a.ini", false],
    ["conf.d/*.ini", "conf.d/a.ini", true],
    ["conf.d/*.ini", "conf.d/sub/a.ini", false],
    ["a?b", "a/b", false],
    ["a[/]b", "a/b", false],
    ["a[!x]b", "a/b", false],
    ["**.ini", "x/y.ini", false],
  ])("should never let %j cross a path segment (%j → %s)", (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
  });

  it.each([
    ["", "a glob may not be empty"],
    ["app-[.service", 'glob "app-[.service" has an unclosed "[" at character 5'],
    ["[", 'glob "[" has an unclosed "[" at character 1'],
    ["[]", 'glob "[]" has an unclosed "[" at character 1'],
    ["[!]", 'glob "[!]" has an unclosed "[" at character 1'],
    ["[z-a]", 'glob "[z-a]" has a reversed range "z-a"'],
    ["abc\\", 'glob "abc\\" ends with a lone "\\"'],
  ])("should refuse the malformed glob %j", (pattern, message) => {
    expect(compileGlob(pattern)).toStrictEqual({ ok: false, message });
  });

  it("should never throw, and match any text exactly once every character is escaped", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (text) => {
        const compiled = compileGlob(text);
        expect(typeof compiled.ok).toBe("boolean");
        const literal = compileGlob([...text].map((character) => `\\${character}`).join(""));
        if (text === "") return;
        expect(literal.ok).toBe(true);
        if (literal.ok) expect(matchGlob(literal.glob, text)).toBe(true);
      }),
      { seed: 20_261_125, numRuns: 300 },
    );
  });
});

describe("compileGlob with hideDotFiles (config file globs)", () => {
  it.each([
    ["*.ini", "app.ini", true],
    ["*.ini", "conf.d/app.ini", false],
    ["*.ini", ".hidden.ini", false],
    ["*.ini", ".app.ini.mc-tmp-1-ab", false],
    ["*.ini", "app.ini.bak", false],
    ["*.ini", "app.INI", false],
    ["conf.d/*.ini", "conf.d/one.ini", true],
    ["conf.d/*.ini", "conf.d/x/one.ini", false],
    ["conf.d/*.ini", "conf.d/../one.ini", false],
    ["?.cfg", "a.cfg", true],
    ["?.cfg", "/.cfg", false],
    ["?.cfg", "ab.cfg", false],
    ["*", "a/b", false],
    ["*/*.ini", "a/b.ini", true],
    ["*/*.ini", ".git/b.ini", false],
    [".*.ini", ".hidden.ini", true],
    ["[ab].ini", "a.ini", true],
    ["[ab].ini", "c.ini", false],
    ["[!ab].ini", "c.ini", true],
    ["[!ab].ini", "/.ini", false],
    ["[a-c]x.ini", "bx.ini", true],
    ["a\\*.ini", "a*.ini", true],
    ["a\\*.ini", "ab.ini", false],
    ["a.ini", "aXini", false],
    ["(a|b).ini", "(a|b).ini", true],
    ["(a|b).ini", "a.ini", false],
  ])("should match %s against %s as %s", (pattern, subject, expected) => {
    const compiled = compileGlob(pattern, { hideDotFiles: true });
    if (!compiled.ok) throw new Error(compiled.message);
    expect(matchGlob(compiled.glob, subject)).toBe(expected);
  });
});
