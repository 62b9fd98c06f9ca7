import { describe, expect, it } from "vitest";
import { scanFrameRequestId } from "./frame-request-id.js";
import { createFrameSplitter } from "./frame-splitter.js";

function split(maxFrameBytes: number, chunks: readonly string[], end = true) {
  const events: unknown[] = [];
  const splitter = createFrameSplitter(maxFrameBytes, {
    onFrame: (frame) => events.push(frame.toString("utf8")),
    onDiscardStart: (bytes) => events.push({ discarding: bytes }),
    onOversized: (bytes, requestId) => events.push({ oversized: bytes, requestId }),
  });
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  if (end) splitter.end();
  return events;
}

function requestIdOf(frame: string, chunkSize = 3): string | number | null {
  const scan = scanFrameRequestId();
  const bytes = Buffer.from(frame);
  for (let offset = 0; offset < bytes.length; offset += chunkSize) scan.feed(bytes.subarray(offset, offset + chunkSize));
  return scan.requestId();
}

describe("createFrameSplitter", () => {
  it("should split lines across chunks and strip a trailing CR", () => {
    expect(split(100, ['{"a"', ':1}\r\n{"b":2}\n', "last"])).toStrictEqual(['{"a":1}', '{"b":2}', "last"]);
  });

  it("should keep a line of exactly the cap and discard one byte more, then go on", () => {
    expect(split(5, ["12345\n123456\nok\n"])).toStrictEqual(["12345", { discarding: 6 }, { oversized: 6, requestId: null }, "ok"]);
  });

  it("should count a discarded line across many chunks and report it at its newline", () => {
    expect(split(4, ["abc", "def", "ghi", "\nnext\n"])).toStrictEqual([{ discarding: 6 }, { oversized: 9, requestId: null }, "next"]);
  });

  it("should report a discarded line that never ended when the input ends", () => {
    expect(split(4, ["abcdefgh"])).toStrictEqual([{ discarding: 8 }, { oversized: 8, requestId: null }]);
  });
});

describe("scanFrameRequestId", () => {
  it("should find the top-level id of a request wherever it is", () => {
    expect(requestIdOf('{"method":"tools/call","params":{"id":99,"x":"},\\"id\\":5"},"jsonrpc":"2.0","id":7}')).toBe(7);
    expect(requestIdOf('{"jsonrpc":"2.0","id":"abc-\\"1","method":"ping"}')).toBe('abc-"1');
    expect(requestIdOf('{ "id" : 12 , "method" : "x" }', 1)).toBe(12);
  });

  it("should answer null when it cannot tell", () => {
    // A notification, a response, an object id, a key that only starts with "id", garbage.
    expect(requestIdOf('{"jsonrpc":"2.0","method":"notifications/x","params":{"id":3}}')).toBeNull();
    expect(requestIdOf('{"jsonrpc":"2.0","id":3,"result":{}}')).toBeNull();
    expect(requestIdOf('{"method":"x","id":{"a":1}}')).toBeNull();
    expect(requestIdOf('{"method":"x","idx":4}')).toBeNull();
    expect(requestIdOf(`{"method":"x","id":"${"a".repeat(300)}"}`)).toBeNull();
    expect(requestIdOf("[[[[[")).toBeNull();
  });
});
