import { PassThrough, type Writable } from "node:stream";
import { isDeepStrictEqual } from "node:util";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Runtime } from "@mc/runtime";
import { createMcpServer, type McpServerOptions } from "./create-mcp-server.js";
import type { EarlyInitializeAnswer } from "./early-initialize.js";
import { encodedToolList } from "./tool-list-cache.js";

/** The SDK's side of a stdio connection: checked frames go in, answers come out on stdout. */
export interface StdioSession {
  /** Hands one checked frame (without its newline) to the SDK. */
  forward(frame: Uint8Array): void;
  /** Sends a message of mc's own (an answer to a malformed frame) in order with the SDK's. */
  reply(message: JSONRPCMessage): void;
  /** The client closed stdin. */
  end(): void;
  /** Closes the server. */
  close(): Promise<void>;
}

/** How to connect the SDK's server. */
export interface StdioSessionOptions extends McpServerOptions {
  /** The frame cap of the reader (the SDK's own buffer cap stays above it). */
  maxFrameBytes: number;
  /**
   * The `initialize` already answered before the SDK was loaded: the SDK gets that request
   * under this private id, and its answer is compared with the one sent, then dropped.
   */
  early?: EarlyInitializeAnswer & { sdkId: string };
  /** Receives one-line notices for the operator. */
  onDiagnostic?: (message: string) => void;
  /** Called once the session is over (the SDK closed, or stdin ended and the server closed). */
  onClose: () => void;
}

/**
 * Builds the SDK's server for `runtime` and connects it to a stdio transport that reads only
 * the frames handed to {@link StdioSession.forward} (stdio.ts reads stdin itself). This is the
 * module that loads the SDK: stdio.ts imports it only after it has answered `initialize`.
 * @param runtime - the runtime to serve
 * @param options - server identity, frame cap, the early answer, close callback
 * @returns the connected session
 */
export async function connectStdioSession(runtime: Runtime, options: StdioSessionOptions): Promise<StdioSession> {
  const server = createMcpServer(runtime, options);
  const checked = new PassThrough();
  // Only whole checked lines reach the SDK's buffer, one at a time; its cap stays above ours so
  // it never closes the session itself.
  const transport = new StdioServerTransport(checked, process.stdout, { maxBufferSize: 4 * options.maxFrameBytes + 1024 });
  sendEncodedToolList(transport, process.stdout);
  if (options.early) dropEarlyAnswer(transport, options.early, options.onDiagnostic);
  server.server.onclose = options.onClose;
  // The SDK transport does not notice stdin ending on its own in every version: close on EOF.
  checked.once("end", () => void server.close().finally(options.onClose));
  await server.connect(transport);
  return {
    forward: (frame) => checked.write(Buffer.concat([frame, NEWLINE])),
    reply: (message) => void transport.send(message).catch(() => {}),
    end: () => checked.end(),
    close: () => server.close(),
  };
}

const NEWLINE = Buffer.from("\n");
const RESULT_END = Buffer.from("}\n");

/**
 * Drops the SDK's answer to the `initialize` that was answered early, after comparing it with
 * the answer sent: they must be equal as the client reads them (JSON), and a difference — an
 * SDK upgrade that negotiates or announces otherwise — is reported, never sent as a second
 * answer. The SDK saw the request under a private id, so its answer is known by that id alone.
 * @param transport - the stdio transport, before `connect`
 * @param early - the answer sent and the id the SDK saw
 * @param onDiagnostic - where a difference is reported
 */
export function dropEarlyAnswer(
  transport: StdioServerTransport,
  early: EarlyInitializeAnswer & { sdkId: string },
  onDiagnostic: ((message: string) => void) | undefined,
): void {
  const send = transport.send.bind(transport);
  let pending = true;
  transport.send = (message) => {
    if (!pending || !("id" in message) || message.id !== early.sdkId) return send(message);
    pending = false;
    const sdkAnswer: unknown = JSON.parse(JSON.stringify("result" in message ? { result: message.result } : message));
    if (!isDeepStrictEqual(sdkAnswer, { result: early.result })) {
      onDiagnostic?.(
        `the early answer to initialize differs from the SDK's (a bug of mc: please report it): sent ${JSON.stringify(early.result)}, the SDK answered ${JSON.stringify(sdkAnswer)}`,
      );
    }
    return Promise.resolve();
  };
}

/**
 * Sends the cached `tools/list` answer as the bytes it was encoded to once (see
 * tool-list-cache.ts) instead of serializing 75 kB again; every other message goes through the
 * transport's own `send`. Both write to `stdout` synchronously in call order, so answers keep
 * their order, and a write that fills the pipe resolves on `drain` as the transport's does.
 * @param transport - the stdio transport, before `connect`
 * @param stdout - the stream the transport writes to
 */
function sendEncodedToolList(transport: StdioServerTransport, stdout: Writable): void {
  const send = transport.send.bind(transport);
  transport.send = (message) => {
    const encoded = "result" in message ? encodedToolList(message.result) : undefined;
    if (encoded === undefined || !("id" in message)) return send(message);
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        stdout.off("drain", onDrain);
        reject(error);
      };
      const onDrain = () => {
        stdout.off("error", onError);
        resolve();
      };
      // Three writes corked into one writev: no 75 kB copy of the cached bytes per answer.
      stdout.cork();
      stdout.write(`{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":`);
      stdout.write(encoded);
      const written = stdout.write(RESULT_END);
      stdout.uncork();
      if (written) resolve();
      else {
        stdout.once("drain", onDrain);
        stdout.once("error", onError);
      }
    });
  };
}
