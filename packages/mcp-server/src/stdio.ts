import { PassThrough } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Runtime } from "@mc/runtime";
import { createMcpServer, type McpServerOptions } from "./create-mcp-server.js";
import { checkFrameBytes, oversizedFrameAnswer } from "./frame-check.js";
import { createFrameSplitter, DEFAULT_MAX_FRAME_BYTES } from "./frame-splitter.js";
import { encodedToolList } from "./tool-list-cache.js";

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
  /** Resolves when the client closed stdin or `close()` was called. */
  closed: Promise<void>;
  /** Stops serving. */
  close(): Promise<void>;
}

/**
 * Serves `runtime` over stdio: stdout carries only protocol messages. Every line passes a size
 * cap and an envelope check before the SDK sees it: the SDK's own transport buffers up to
 * 10 MB, then closes the session without a word, so mc reads stdin itself.
 * @param runtime - the runtime to serve
 * @param options - server name and version, frame cap, diagnostics sink
 * @returns a handle that resolves `closed` when the client goes away
 */
export async function serveStdio(runtime: Runtime, options: StdioServerOptions): Promise<StdioServerHandle> {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const server = createMcpServer(runtime, options);
  const checked = new PassThrough();
  // Only whole checked lines reach the SDK's buffer, one at a time; its cap stays above ours so
  // it never closes the session itself.
  const transport = new StdioServerTransport(checked, process.stdout, { maxBufferSize: 4 * maxFrameBytes + 1024 });
  sendEncodedToolList(transport, process.stdout);
  const reply = (message: Parameters<StdioServerTransport["send"]>[0]) => void transport.send(message).catch(() => {});
  const splitter = createFrameSplitter(maxFrameBytes, {
    onFrame(frame) {
      const verdict = checkFrameBytes(frame);
      if (verdict.kind === "forward") checked.write(Buffer.concat([frame, NEWLINE]));
      else if (verdict.kind === "answer") reply(verdict.response);
    },
    onDiscardStart(bytesSoFar) {
      options.onDiagnostic?.(`a client message passed ${maxFrameBytes} bytes (${bytesSoFar} read so far): discarding it up to its newline`);
    },
    onOversized(bytes, requestId) {
      options.onDiagnostic?.(
        `discarded a client message of ${bytes} bytes (limit ${maxFrameBytes}); answered ${requestId === null ? "with id null" : `request ${JSON.stringify(requestId)}`}`,
      );
      reply(oversizedFrameAnswer(bytes, maxFrameBytes, requestId));
    },
  });
  const onData = (chunk: Buffer | string) => splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  const onEnd = () => {
    splitter.end();
    checked.end();
  };
  process.stdin.on("data", onData);
  process.stdin.once("end", onEnd);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const stopReading = () => {
    process.stdin.off("data", onData);
    process.stdin.off("end", onEnd);
    process.stdin.pause();
  };
  server.server.onclose = () => {
    // Never keep reading stdin for a session that is gone.
    stopReading();
    resolveClosed();
  };
  // The SDK transport does not notice stdin ending on its own in every version: close on EOF.
  checked.once("end", () => void server.close().finally(resolveClosed));
  await server.connect(transport);
  return {
    closed,
    async close() {
      stopReading();
      await server.close();
      resolveClosed();
    },
  };
}

const NEWLINE = Buffer.from("\n");
const RESULT_END = Buffer.from("}\n");

/**
 * Sends the cached `tools/list` answer as the bytes it was encoded to once (see
 * tool-list-cache.ts) instead of serializing 75 kB again; every other message goes through the
 * transport's own `send`. Both write to `stdout` synchronously in call order, so answers keep
 * their order, and a write that fills the pipe resolves on `drain` as the transport's does.
 * @param transport - the stdio transport, before `connect`
 * @param stdout - the stream the transport writes to
 */
function sendEncodedToolList(transport: StdioServerTransport, stdout: NodeJS.WritableStream): void {
  const send = transport.send.bind(transport);
  transport.send = (message) => {
    const encoded = "result" in message ? encodedToolList(message.result) : undefined;
    if (encoded === undefined || !("id" in message)) return send(message);
    const line = Buffer.concat([Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":`), encoded, RESULT_END]);
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        stdout.off("drain", onDrain);
        reject(error);
      };
      const onDrain = () => {
        stdout.off("error", onError);
        resolve();
      };
      if (stdout.write(line)) resolve();
      else {
        stdout.once("drain", onDrain);
        stdout.once("error", onError);
      }
    });
  };
}
