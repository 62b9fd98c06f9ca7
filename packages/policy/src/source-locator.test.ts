import { describe, expect, it } from "vitest";
import { createSourceLocator } from "./source-locator.js";

const DOCUMENT = [
  "# a comment with key = 1 and [fake]", // 1
  "version = 1", // 2
  'text = """', // 3
  "[not.a.header]", // 4
  'notkey = 1"""', // 5
  "[tools.restart_service]   # trailing", // 6
  "  allowed_scopes = [", // 7
  '    "system", # first', // 8
  "    'user',", // 9
  "  ]", // 10
  "[[config_targets]]", // 11
  'name = "a"', // 12
  "[[config_targets]]", // 13
  '"quoted key" = { inner = [1, { deep = "x" }] }', // 14
  "[config_targets.sub]", // 15
  "a.b . c = 2", // 16
  "", // 17
].join("\n");

describe("createSourceLocator", () => {
  const locator = createSourceLocator(DOCUMENT);

  it.each([
    [["version"], 2, 1],
    [["text"], 3, 1],
    [["tools"], 6, 1],
    [["tools", "restart_service"], 6, 1],
    [["tools", "restart_service", "allowed_scopes"], 7, 3],
    [["tools", "restart_service", "allowed_scopes", 0], 8, 5],
    [["tools", "restart_service", "allowed_scopes", 1], 9, 5],
    [["config_targets"], 11, 1],
    [["config_targets", 0], 11, 1],
    [["config_targets", 0, "name"], 12, 1],
    [["config_targets", 1], 13, 1],
    [["config_targets", 1, "quoted key"], 14, 1],
    [["config_targets", 1, "quoted key", "inner", 1, "deep"], 14, 32],
    [["config_targets", 1, "sub"], 15, 1],
    [["config_targets", 1, "sub", "a", "b", "c"], 16, 7],
  ] as const)("should locate %j at %i:%i", (path, line, column) => {
    expect(locator.locate(path)).toStrictEqual({ line, column });
  });

  it("should not take text inside a multi-line string for a header", () => {
    expect(locator.locate(["not"])).toStrictEqual({ line: 1, column: 1 });
    expect(locator.locate(["notkey"])).toStrictEqual({ line: 1, column: 1 });
  });

  it("should count columns the same with CRLF line ends", () => {
    const crlf = createSourceLocator("version = 1\r\n[tools.a]\r\nx = [ 1,\r\n  2 ]\r\ny = 3\r\n");
    expect(crlf.locate(["tools", "a", "x", 1])).toStrictEqual({ line: 4, column: 3 });
    expect(crlf.locate(["tools", "a", "y"])).toStrictEqual({ line: 5, column: 1 });
  });

  it("should fall back to the nearest written ancestor", () => {
    expect(locator.locate(["tools", "restart_service", "enabled"])).toStrictEqual({ line: 6, column: 1 });
    expect(locator.locate(["config_targets", 0, "roots"])).toStrictEqual({ line: 11, column: 1 });
  });
});
