// Red team: hostile stdio frames against `mc mcp serve`. The guarantee: every frame gets an answer
// (a result, or a JSON-RPC error naming what was wrong — for size, the limit), the session keeps
// serving the next request, nothing hangs, and memory stays bounded whatever the client sends
// (a line over the cap is discarded as it streams, never buffered).
import { describe, expect, it } from "vitest";
import { tempDir } from "../clients/support.js";
import { attackClass } from "./attack-report.js";
import { openRawMcpSession, type RawMcpSession, type ServerMessage } from "./raw-mcp-session.js";

// DEFAULT_MAX_FRAME_BYTES of @mc/mcp-server/stdio (not imported: that would load the whole runtime here).
const CAP = 4 * 1024 * 1024;
const MAX_RSS = 300 * 1024 * 1024;
const tally = attackClass("oversized and malformed stdio frames");

/** A `tools/call` line of exactly `bytes` bytes (padding in an ignored argument), id last as the SDK writes it. */
function paddedFrame(bytes: number, id: number | string, method = "ping"): string {
  const shell = (pad: string) => `{"method":"${method}","params":{"_meta":{"pad":"${pad}"}},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
  return shell("x".repeat(bytes - shell("").length));
}

const isError = (id: string | number | null, code: number) => (message: ServerMessage) => message.id === id && message.error?.code === code;

/**
 * Runs one attack in a fresh server: `attack` sends its frames and checks their answers; then
 * the server must still answer a ping, run, and have stayed under MAX_RSS.
 */
async function attack(name: string, run: (session: RawMcpSession) => Promise<void>): Promise<void> {
  const session = await openRawMcpSession(tempDir("mc-red-frames-"));
  let broke: string | undefined;
  try {
    await run(session);
    session.send({ jsonrpc: "2.0", id: "after", method: "ping" });
    const pong = await session.next((message) => message.id === "after");
    if (pong.result === undefined) broke = `no ping result after the attack: ${JSON.stringify(pong)}`;
    else if (session.peakRss() > MAX_RSS) broke = `peak RSS ${Math.round(session.peakRss() / 2 ** 20)} MiB over ${MAX_RSS / 2 ** 20} MiB`;
    else if (!session.alive()) broke = "the server died";
  } catch (error) {
    broke = error instanceof Error ? error.message : String(error);
  } finally {
    await session.close();
  }
  tally.record(broke !== undefined, `${name}: ${broke}`);
}

function expectSizeError(message: ServerMessage): void {
  if (!message.error?.message.includes(`limit of ${CAP} bytes`)) throw new Error(`the size error does not name the limit: ${JSON.stringify(message)}`);
}

describe("oversized and malformed stdio frames", () => {
  it("should answer a 20 MB request with -32600 by its id, then serve tools/list", async () => {
    await attack("20 MB line", async (session) => {
      session.write(`${paddedFrame(20 * 1024 * 1024, 41, "tools/call")}\n`);
      session.send({ jsonrpc: "2.0", id: 42, method: "tools/list" });
      expectSizeError(await session.next(isError(41, -32600)));
      const list = await session.next((message) => message.id === 42);
      if (((list.result as { tools?: unknown[] } | undefined)?.tools?.length ?? 0) === 0)
        throw new Error(`tools/list after the big frame: ${JSON.stringify(list).slice(0, 300)}`);
    });
  });

  it("should discard an endless line without a newline in bounded memory, say so on stderr, and answer once it ends", async () => {
    await attack("endless line", async (session) => {
      const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, "y");
      for (let index = 0; index < 4; index += 1) session.write(tenMegabytes);
      // Still inside the line: the server cannot answer yet, but it must not buffer it.
      await waitFor(() => /discarding it up to its newline/.test(session.stderr()), "a stderr notice of the discarded line");
      await new Promise<void>((resolve) => session.child.stdin.write("", () => resolve()));
      if (session.peakRss() > MAX_RSS) throw new Error(`peak RSS ${session.peakRss()} while the line streams`);
      session.write("\n");
      expectSizeError(await session.next(isError(null, -32600)));
    });
  });

  it("should serve many medium lines just under the cap, each by its id", async () => {
    await attack("many medium lines under the cap", async (session) => {
      const ids = Array.from({ length: 12 }, (_, index) => 100 + index);
      for (const id of ids) session.write(`${paddedFrame(CAP - 1024, id)}\n`);
      for (const id of ids) {
        const answer = await session.next((message) => message.id === id);
        if (answer.result === undefined) throw new Error(`medium frame ${id}: ${JSON.stringify(answer).slice(0, 300)}`);
      }
    });
  });

  it("should refuse many lines over the cap, each by its id", async () => {
    await attack("many lines over the cap", async (session) => {
      const ids = Array.from({ length: 10 }, (_, index) => `over-${index}`);
      for (const id of ids) session.write(`${paddedFrame(CAP + 512 * 1024, id)}\n`);
      for (const id of ids) expectSizeError(await session.next(isError(id, -32600)));
    });
  });

  it("should take a frame of exactly the cap and refuse one byte more", async () => {
    await attack("frame of exactly the cap", async (session) => {
      session.write(`${paddedFrame(CAP, "at-cap")}\n`);
      const answer = await session.next((message) => message.id === "at-cap");
      if (answer.result === undefined) throw new Error(`a frame of exactly ${CAP} bytes was refused: ${JSON.stringify(answer).slice(0, 300)}`);
    });
    await attack("frame one byte over the cap", async (session) => {
      session.write(`${paddedFrame(CAP + 1, "over-cap")}\r\n`);
      expectSizeError(await session.next(isError("over-cap", -32600)));
    });
  });

  it("should refuse frames that are not UTF-8 with -32700", async () => {
    const invalid = [
      ["a lone 0xff byte", Buffer.from([0xff])],
      ["an overlong slash", Buffer.from([0xc0, 0xaf])],
      ["a UTF-16 surrogate", Buffer.from([0xed, 0xa0, 0x80])],
      ["a truncated sequence", Buffer.from([0xe2, 0x82])],
    ] as const;
    for (const [name, bytes] of invalid) {
      await attack(`invalid UTF-8: ${name}`, async (session) => {
        session.write(
          Buffer.concat([
            Buffer.from('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"service_status","arguments":{"unit":"a'),
            bytes,
            Buffer.from('.service"}}}\n'),
          ]),
        );
        const answer = await session.next(isError(null, -32700));
        if (!answer.error?.message.includes("UTF-8")) throw new Error(`the parse error does not say UTF-8: ${JSON.stringify(answer)}`);
      });
    }
  });

  it("should answer deeply nested JSON without crashing", async () => {
    const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    await attack("unterminated nesting a million deep", async (session) => {
      session.write(`${"[".repeat(1_000_000)}\n`);
      await session.next(isError(null, -32700));
    });
    await attack("arguments nested 100,000 deep", async (session) => {
      session.write(`{"jsonrpc":"2.0","id":"deep-args","method":"tools/call","params":{"name":"service_status","arguments":{"unit":${deep(100_000)}}}}\n`);
      const answer = await session.next((message) => message.id === "deep-args");
      if (answer.result === undefined && answer.error === undefined) throw new Error("no answer to deep arguments");
    });
    await attack("_meta nested 100,000 deep", async (session) => {
      session.write(`{"jsonrpc":"2.0","id":"deep-meta","method":"ping","params":{"_meta":{"x":${deep(100_000)}}}}\n`);
      await session.next((message) => message.id === "deep-meta");
    });
  });

  it("should answer an oversized notification with id null rather than drop it silently", async () => {
    await attack("oversized notification", async (session) => {
      session.write(`{"jsonrpc":"2.0","method":"notifications/initialized","params":{"_meta":{"pad":"${"z".repeat(CAP)}"}}}\n`);
      expectSizeError(await session.next(isError(null, -32600)));
    });
  });

  it("should have held against every attack", () => {
    expect(tally.tried).toBeGreaterThanOrEqual(14);
    expect(tally.failures).toStrictEqual([]);
  });
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
