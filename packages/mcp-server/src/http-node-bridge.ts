import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/**
 * Turns a Node request into a web-standard `Request` whose signal aborts when the client
 * disconnects before its response is finished, so the SDK stops work nobody will read.
 * @param request - the Node request
 * @param response - its Node response (its early close is the disconnect)
 * @param body - the body already read (POST), or undefined
 * @param origin - scheme and authority of the listening server (for the URL)
 * @returns the web request
 */
export function toWebRequest(request: IncomingMessage, response: ServerResponse, body: Buffer | undefined, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  const method = request.method ?? "GET";
  return new Request(new URL(request.url ?? "/", origin), {
    method,
    headers,
    signal: controller.signal,
    ...(body !== undefined && method !== "GET" && method !== "HEAD" ? { body } : {}),
  });
}

/**
 * Writes a web `Response` to a Node response, streaming its body (SSE stays open until the SDK
 * ends it or the client goes away).
 * @param response - the web response
 * @param target - the Node response
 * @returns resolves when the body is written
 */
export async function writeWebResponse(response: Response, target: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  target.writeHead(response.status, headers);
  if (!response.body) {
    target.end();
    return;
  }
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  target.once("close", () => body.destroy());
  await new Promise<void>((resolve) => {
    body.once("error", () => {
      target.destroy();
      resolve();
    });
    body.once("end", resolve);
    target.once("close", resolve);
    body.pipe(target);
  });
}

/**
 * Reads a request body up to `limit` bytes.
 * @param request - the Node request
 * @param limit - largest accepted body
 * @returns the body, or `undefined` when it is larger than `limit`
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
