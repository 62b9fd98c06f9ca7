import { describe, expect, it } from "vitest";
import { parseToml, TomlFloat } from "./toml.js";

describe("parseToml", () => {
  it("should keep integers and floats apart", () => {
    const parsed = parseToml("a = 1\nb = 1.0\nc = [2, 2.5]\n");
    expect(parsed).toStrictEqual({ ok: true, value: expect.anything() });
    if (!parsed.ok) return;
    expect(parsed.value.a).toBe(1);
    expect(parsed.value.b).toStrictEqual(new TomlFloat(1));
    expect(parsed.value.c).toStrictEqual([2, new TomlFloat(2.5)]);
  });

  it("should keep a key named __proto__ as an ordinary key", () => {
    const parsed = parseToml('"__proto__" = { polluted = true }\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.keys(parsed.value)).toStrictEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("should give a syntax error with its line and column", () => {
    expect(parseToml("a = 1\nb = \n")).toStrictEqual({ ok: false, message: "invalid TOML: invalid value", line: 2, column: 5 });
  });
});
