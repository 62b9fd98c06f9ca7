import { describe, expect, it } from "vitest";
import { matchesFileGlob } from "./file-glob.js";

describe("matchesFileGlob", () => {
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
    expect(matchesFileGlob(pattern, subject)).toBe(expected);
  });
});
