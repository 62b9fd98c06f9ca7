/** What a byte-by-byte scan of a frame found at its top level. */
export interface FrameRequestIdScan {
  /** Feeds the next bytes of the frame. */
  feed(bytes: Uint8Array): void;
  /**
   * The request's id, when the frame looked like a JSON-RPC request: a top-level `"method"` key
   * and a top-level `"id"` that is a string or a finite number. Otherwise null (JSON-RPC's id
   * for "could not tell").
   * @returns the id to answer with
   */
  requestId(): string | number | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Longest id value kept (bytes); a longer one is not answered by id. */
const MAX_ID_BYTES = 256;
/** Longest key kept (bytes): only "id" and "method" matter. */
const MAX_KEY_BYTES = 8;

/**
 * Finds the id of a JSON-RPC request in a frame too large to keep, in constant memory: a frame
 * over the size cap is discarded as it streams past, but its id (which the SDK client may well
 * put after a 20 MB `params`) is still worth finding, so the client's pending request gets its
 * error instead of waiting for a timeout. Only top-level keys count; nothing is ever parsed
 * beyond a bounded id value.
 * @returns a scanner to feed the frame's bytes to
 */
export function scanFrameRequestId(): FrameRequestIdScan {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectKey = false;
  let key: number[] | undefined;
  let lastKey = "";
  let value: number[] | undefined;
  let sawMethod = false;
  let id: string | number | null = null;

  const finishValue = () => {
    if (value === undefined) return;
    const text = Buffer.from(value).toString("utf8").trim();
    value = undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      id = typeof parsed === "string" || (typeof parsed === "number" && Number.isFinite(parsed)) ? parsed : null;
    } catch {
      id = null;
    }
  };
  const keep = (target: number[] | undefined, byte: number, limit: number): number[] | undefined => {
    if (target === undefined) return undefined;
    if (target.length >= limit) return undefined;
    target.push(byte);
    return target;
  };

  return {
    feed(bytes) {
      for (const byte of bytes) {
        if (inString) {
          // One byte past the limit is kept, so that a long key never matches a short one.
          if (key !== undefined && !(byte === QUOTE && !escaped) && key.length <= MAX_KEY_BYTES) key.push(byte);
          if (value !== undefined) {
            value = keep(value, byte, MAX_ID_BYTES);
            if (value === undefined) id = null;
          }
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (key !== undefined) {
              lastKey = key.length > MAX_KEY_BYTES ? "" : Buffer.from(key).toString("latin1");
              key = undefined;
            }
          }
          continue;
        }
        switch (byte) {
          case QUOTE:
            inString = true;
            if (depth === 1 && expectKey) {
              key = [];
              expectKey = false;
            } else if (value !== undefined) value = keep(value, byte, MAX_ID_BYTES);
            break;
          case OPEN_BRACE:
          case OPEN_BRACKET:
            // An id is never an object or an array: forget it.
            if (depth === 1 && value !== undefined) {
              value = undefined;
              id = null;
            }
            depth += 1;
            if (depth === 1) expectKey = byte === OPEN_BRACE;
            break;
          case CLOSE_BRACE:
          case CLOSE_BRACKET:
            if (depth === 1) finishValue();
            depth = Math.max(0, depth - 1);
            break;
          case COLON:
            if (depth === 1) {
              if (lastKey === "id") value = [];
              if (lastKey === "method") sawMethod = true;
              lastKey = "";
            }
            break;
          case COMMA:
            if (depth === 1) {
              finishValue();
              expectKey = true;
            }
            break;
          default:
            if (depth === 1 && value !== undefined) {
              value = keep(value, byte, MAX_ID_BYTES);
              if (value === undefined) id = null;
            }
        }
      }
    },
    requestId() {
      finishValue();
      return sawMethod ? id : null;
    },
  };
}
