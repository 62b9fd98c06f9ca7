import { describe, expect, it } from "vitest";
import { checkFrame } from "./frame-check.js";

describe("checkFrame", () => {
  it("should forward requests, notifications and responses", () => {
    expect(checkFrame('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toStrictEqual({ kind: "forward" });
    expect(checkFrame('{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"x"}}')).toStrictEqual({ kind: "forward" });
    expect(checkFrame('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toStrictEqual({ kind: "forward" });
    expect(checkFrame('{"jsonrpc":"2.0","id":7,"result":{}}')).toStrictEqual({ kind: "forward" });
    // An unknown method, even "", is the SDK's to answer (-32601).
    expect(checkFrame('{"jsonrpc":"2.0","id":8,"method":""}')).toStrictEqual({ kind: "forward" });
  });

  it("should ignore blank lines and malformed notifications", () => {
    expect(checkFrame("   ")).toStrictEqual({ kind: "ignore" });
    expect(checkFrame('{"jsonrpc":"2.0","method":5}')).toStrictEqual({ kind: "ignore" });
    expect(checkFrame('{"jsonrpc":"2.0","method":"x","params":"s"}')).toStrictEqual({ kind: "ignore" });
  });

  it.each([
    ["{not json", null, -32700],
    ["[1,2]", null, -32600],
    ['"text"', null, -32600],
    ['{"jsonrpc":"1.0","id":3,"method":"ping"}', 3, -32600],
    ['{"jsonrpc":"2.0","id":4}', 4, -32600],
    ['{"jsonrpc":"2.0","id":5,"method":7}', 5, -32600],
    ['{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}', null, -32600],
    ['{"jsonrpc":"2.0","id":null,"method":"ping"}', null, -32600],
    ['{"jsonrpc":"2.0","id":"p","method":"tools/call","params":"memory_usage"}', "p", -32602],
    ['{"jsonrpc":"2.0","id":6,"method":"tools/list","params":null}', 6, -32602],
  ])("should answer %s with id %s and code %s", (line, id, code) => {
    const verdict = checkFrame(line);
    expect(verdict).toMatchObject({ kind: "answer", response: { jsonrpc: "2.0", id, error: { code } } });
  });
});
