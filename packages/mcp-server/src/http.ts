/**
 * @mc/mcp-server/http — Streamable HTTP for an mc runtime. Every export of this file is public
 * API; anything not exported here is internal.
 */
export { serveHttp, isLoopbackHost } from "./http-server.js";
export type { HttpServerOptions, HttpServerHandle } from "./http-server.js";
export { HttpServeError } from "./errors/http-serve-error.js";
export { MIN_TOKEN_LENGTH } from "./http-bearer-token.js";
