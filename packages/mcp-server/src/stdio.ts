import { randomUUID } from "node:crypto";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import type { Runtime } from "@mc/runtime";
import type { McpServerOptions } from "./create-mcp-server.js";
import { earlyInitializeAnswer, type EarlyInitializeAnswer } from "./early-initialize.js";
import { checkFrameBytes, oversizedFrameAnswer } from "./frame-check.js";
import { createFrameSplitter, DEFAULT_MAX_FRAME_BYTES } from "./frame-splitter.js";
import type { StdioSession } from "./stdio-session.js";

export { DEFAULT_MAX_FRAME_BYTES } from "./frame-splitter.js";

/** Options of the stdio server. */
export interface StdioServerOptions extends McpServerOptions {
  /**
   * Largest message (one line) read from the client, in bytes; default 4 MiB. A longer line is
   * discarded as it arrives, never buffered, and answered with a JSON-RPC -32600 error.
   */
  maxFrameBytes?: number;
  /** Receives one-line notices for the operator (the CLI writes them to stderr). */
  onDiagnostic?: (message: string) => void;
}

/** A running stdio server. */
export interface StdioServerHandle {
  /** Resolves when the client closed stdin or `close()` was called; rejects when the runtime could not be opened. */
  closed: Promise<void>;
  /** Stops serving. */
  close(): Promise<void>;
}

/** With no message from the client after this long, the server is made anyway (ms). */
const IDLE_START_MS = 100;

/**
 * Serves `runtime` over stdio: stdout carries only protocol messages. Every line passes a size
 * cap and an envelope check before the SDK sees it: the SDK's own transport buffers up to
 * 10 MB, then closes the session without a word, so mc reads stdin itself.
 *
 * The client's first message, when it is a plain `initialize`, is answered at once, before the
 * SDK and the runtime are loaded (most of a server's start): the answer is fixed data (see
 * early-initialize.ts). The SDK still gets that very request (under a private id) and answers
 * it, and its answer is compared with the one sent and dropped (stdio-session.ts). Everything
 * the client sends meanwhile waits, in order, until the SDK's server is connected.
 * @param runtime - the runtime to serve, or a function that opens it (called once, after the
 *   early answer, so opening it does not delay `initialize`)
 * @param options - server name and version, frame cap, diagnostics sink
 * @returns a handle that resolves `closed` when the client goes away
 */
export function serveStdio(runtime: Runtime | (() => Promise<Runtime>), options: StdioServerOptions): Promise<StdioServerHandle> {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  let session: StdioSession | undefined;
  // What the client sent before the session was connected, in order; undefined once it is.
  let queue: Array<(session: StdioSession) => void> | undefined = [];
  let early: (EarlyInitializeAnswer & { sdkId: string }) | undefined;
  let firstFrame = true;
  let starting = false;
  let stopped = false;
  // A client that says nothing for a while (a person at a terminal) still gets a ready server.
  const idleStart = setTimeout(() => start(), IDLE_START_MS);
  let resolveClosed!: () => void;
  let rejectClosed!: (error: unknown) => void;
  const closed = new Promise<void>((resolve, reject) => {
    resolveClosed = resolve;
    rejectClosed = reject;
  });
  const deliver = (action: (session: StdioSession) => void) => {
    if (queue) queue.push(action);
    else if (session) action(session);
  };
  const stopReading = () => {
    clearTimeout(idleStart);
    process.stdin.off("data", onData);
    process.stdin.off("end", onEnd);
    process.stdin.pause();
  };
  const onSessionClose = () => {
    // Never keep reading stdin for a session that is gone.
    stopReading();
    resolveClosed();
  };
  const start = () => {
    if (starting) return;
    starting = true;
    clearTimeout(idleStart);
    // Until the SDK's transport watches stdout, a write error (the client is gone) must not throw.
    const ignoreStdoutError = () => {};
    process.stdout.on("error", ignoreStdoutError);
    void (async () => {
      const [served, { connectStdioSession }] = await Promise.all([typeof runtime === "function" ? runtime() : runtime, import("./stdio-session.js")]);
      if (stopped) return;
      session = await connectStdioSession(served, { ...options, maxFrameBytes, ...(early ? { early } : {}), onClose: onSessionClose });
      const waiting = queue ?? [];
      queue = undefined;
      for (const action of waiting) action(session);
    })()
      .finally(() => process.stdout.off("error", ignoreStdoutError))
      .catch((error: unknown) => {
        stopReading();
        rejectClosed(error);
      });
  };
  const splitter = createFrameSplitter(maxFrameBytes, {
    onFrame(frame) {
      if (firstFrame) {
        firstFrame = false;
        const sdkFrame = answerEarly(frame);
        if (sdkFrame !== undefined) {
          deliver((connected) => connected.forward(sdkFrame));
          return start();
        }
      }
      deliver((connected) => {
        const verdict = checkFrameBytes(frame);
        if (verdict.kind === "forward") connected.forward(frame);
        else if (verdict.kind === "answer") connected.reply(verdict.response);
      });
      start();
    },
    onDiscardStart(bytesSoFar) {
      options.onDiagnostic?.(`a client message passed ${maxFrameBytes} bytes (${bytesSoFar} read so far): discarding it up to its newline`);
    },
    onOversized(bytes, requestId) {
      options.onDiagnostic?.(
        `discarded a client message of ${bytes} bytes (limit ${maxFrameBytes}); answered ${requestId === null ? "with id null" : `request ${JSON.stringify(requestId)}`}`,
      );
      deliver((connected) => connected.reply(oversizedFrameAnswer(bytes, maxFrameBytes, requestId)));
      start();
    },
  });
  /**
   * Answers the first frame when it is a plain `initialize` (and passes the frame check as it
   * is): writes the answer to stdout now and returns the same request under a private id for
   * the SDK, whose own answer stdio-session.ts then compares and drops.
   */
  const answerEarly = (frame: Buffer): Buffer | undefined => {
    if (checkFrameBytes(frame).kind !== "forward") return undefined;
    const message: unknown = JSON.parse(frame.toString("utf8"));
    const answer = earlyInitializeAnswer(message, { name: options.name ?? "mc", version: options.version });
    if (answer === undefined) return undefined;
    early = { ...answer, sdkId: `mc-early-initialize-${randomUUID()}` };
    // Pipes and files are written synchronously on Linux: the answer is out before the SDK loads.
    process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id: answer.id, result: answer.result } satisfies JSONRPCMessage)}\n`);
    return Buffer.from(JSON.stringify({ ...(message as object), id: early.sdkId }));
  };
  const onData = (chunk: Buffer | string) => splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  const onEnd = () => {
    splitter.end();
    if (queue !== undefined && queue.length === 0 && !starting) {
      // The client went away without a word: nothing to load.
      stopReading();
      resolveClosed();
      return;
    }
    deliver((connected) => connected.end());
    start();
  };
  process.stdin.on("data", onData);
  process.stdin.once("end", onEnd);
  return Promise.resolve({
    closed,
    async close() {
      stopped = true;
      stopReading();
      queue = undefined;
      await session?.close();
      resolveClosed();
    },
  });
}
