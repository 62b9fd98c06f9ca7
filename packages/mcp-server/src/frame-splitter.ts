import { scanFrameRequestId, type FrameRequestIdScan } from "./frame-request-id.js";

/** Default largest stdio frame (one line, without its newline): 4 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** What the splitter reports. */
export interface FrameSplitterHandlers {
  /** A complete line within the cap, without its newline (nor a trailing CR). */
  onFrame(frame: Buffer): void;
  /** A line grew past the cap: from here on it is discarded until its newline. */
  onDiscardStart(bytesSoFar: number): void;
  /** A discarded line ended (newline or end of input): its size and the request id found in it. */
  onOversized(bytes: number, requestId: string | number | null): void;
}

/** Splits a byte stream into newline-delimited frames. */
export interface FrameSplitter {
  /** Feeds the next chunk read from the client. */
  push(chunk: Buffer): void;
  /** The input ended: a last line without a newline is still a frame. */
  end(): void;
}

/**
 * Splits stdin into lines holding at most `maxFrameBytes` of any line in memory. A longer line
 * is not buffered: its bytes stream through a constant-memory scan for the request id and are
 * dropped until the next newline, when `onOversized` lets the server answer with an error. So a
 * 20 MB line, or one that never ends, costs at most the cap, and the next line is served.
 * @param maxFrameBytes - the largest line kept
 * @param handlers - what to do with frames and with oversized lines
 * @returns the splitter
 */
export function createFrameSplitter(maxFrameBytes: number, handlers: FrameSplitterHandlers): FrameSplitter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let discarding: { scan: FrameRequestIdScan; bytes: number } | undefined;

  const startDiscarding = (rest: Buffer) => {
    const scan = scanFrameRequestId();
    for (const part of pending) scan.feed(part);
    scan.feed(rest);
    discarding = { scan, bytes: pendingBytes + rest.length };
    pending = [];
    pendingBytes = 0;
    handlers.onDiscardStart(discarding.bytes);
  };
  const finishDiscarding = () => {
    if (discarding === undefined) return;
    const { scan, bytes } = discarding;
    discarding = undefined;
    handlers.onOversized(bytes, scan.requestId());
  };
  const emit = (last: Buffer) => {
    let frame = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    if (frame.length > 0 && frame[frame.length - 1] === 0x0d) frame = frame.subarray(0, -1);
    handlers.onFrame(frame);
  };

  return {
    push(chunk) {
      let start = 0;
      while (start <= chunk.length) {
        const newline = chunk.indexOf(0x0a, start);
        const end = newline === -1 ? chunk.length : newline;
        const part = chunk.subarray(start, end);
        if (discarding !== undefined) {
          discarding.scan.feed(part);
          discarding.bytes += part.length;
          if (newline !== -1) finishDiscarding();
        } else if (pendingBytes + part.length > maxFrameBytes) {
          startDiscarding(part);
          if (newline !== -1) finishDiscarding();
        } else if (newline !== -1) {
          emit(part);
        } else if (part.length > 0) {
          // Copied: a subarray would pin the whole chunk it came from.
          pending.push(Buffer.from(part));
          pendingBytes += part.length;
        }
        if (newline === -1) return;
        start = newline + 1;
      }
    },
    end() {
      if (discarding !== undefined) finishDiscarding();
      else if (pendingBytes > 0) emit(Buffer.alloc(0));
    },
  };
}
