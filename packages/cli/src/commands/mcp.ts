import { readFileSync, statSync } from "node:fs";
import { serveStdio } from "@mc/mcp-server/stdio";
import type { Runtime } from "@mc/runtime";
import { EXIT, ExitError } from "../exit-error.js";
import type { CliIo, GlobalOptions } from "../io.js";
import { VERSION } from "../version.js";

/** Options of `mc mcp serve`. */
export interface McpServeOptions {
  /** `host:port` to serve Streamable HTTP on instead of stdio. */
  http?: string;
  /** File holding the bearer token (else `MC_HTTP_TOKEN`). */
  tokenFile?: string;
  /** Browser origins allowed to call the HTTP endpoint. */
  allowOrigin?: string[];
  /** Allow a non-loopback `--http` host. */
  allowRemote?: boolean;
}

/**
 * `mc mcp serve`: serves MCP over stdio until the client closes stdin, or with `--http` over
 * Streamable HTTP until SIGINT/SIGTERM. stdout carries only protocol messages (stdio);
 * diagnostics go to stderr.
 * @param io - streams (stderr for diagnostics) and environment
 * @param options - global options and the serve options
 */
export async function mcpServeCommand(io: CliIo, options: GlobalOptions & McpServeOptions & { stateDir?: string; policy?: string }): Promise<void> {
  // Check the HTTP options before opening anything, so a usage error leaves nothing behind.
  const http = options.http === undefined ? undefined : { ...parseHostPort(options.http), token: readToken(io, options.tokenFile) };
  if (http === undefined && (options.tokenFile !== undefined || options.allowOrigin !== undefined || options.allowRemote)) {
    throw new ExitError(EXIT.usage, "--token-file, --allow-origin and --allow-remote need --http <host:port>");
  }
  (await import("../heap-tuning.js")).tuneHeapForServing(); // memory that stays flat over thousands of calls (heap-tuning.ts)
  // The runtime (and its policy) is opened only when the server needs it: over stdio, after the
  // answer to `initialize`, which does not depend on it (see serveStdio). This module imports
  // nothing heavy itself, so that answer waits for neither the runtime nor the MCP SDK.
  let runtime: Runtime | undefined;
  const openRuntime = async (): Promise<Runtime> => {
    const { runtimeFromOptions } = await import("../runtime-from-options.js");
    runtime = runtimeFromOptions(io, options);
    const policy = runtime.policy();
    if (!policy.diagnostics.ok) {
      io.stderr.write(`mc: policy ${policy.diagnostics.path} does not load; every tool call will be denied: ${policy.diagnostics.errors[0]?.message ?? ""}\n`);
    }
    return runtime;
  };
  try {
    if (http === undefined) {
      // Someone typed the command at a terminal: say why it seems to hang (MCP clients start it themselves).
      if (io.stdinIsTty) {
        io.stderr.write(
          "mc: serving MCP over stdio, waiting for a client on stdin (an MCP client such as Claude Desktop or VS Code starts this command itself; Ctrl-D stops it)\n",
        );
      }
      const handle = await serveStdio(openRuntime, { name: "mc", version: VERSION, onDiagnostic: (message) => io.stderr.write(`mc: ${message}\n`) });
      await handle.closed;
      return;
    }
    const { serveHttp, isLoopbackHost, HttpServeError } = await import("@mc/mcp-server/http");
    const served = await openRuntime();
    let handle;
    try {
      handle = await serveHttp(served, {
        host: http.host,
        port: http.port,
        token: http.token,
        version: VERSION,
        // One line per request for the operator; never a header, so never the token.
        onRequestLog: (line) => io.stderr.write(`mc: http ${line}\n`),
        ...(options.allowOrigin ? { allowedOrigins: options.allowOrigin } : {}),
        ...(options.allowRemote ? { allowRemote: true } : {}),
      });
    } catch (error) {
      if (HttpServeError.isInstance(error)) {
        throw new ExitError(
          EXIT.usage,
          error.data.option === "host" ? `refusing to listen on ${http.host}: not a loopback address (pass --allow-remote to mean it)` : error.message,
        );
      }
      if (error instanceof Error && "code" in error && (error.code === "EADDRINUSE" || error.code === "EACCES" || error.code === "EADDRNOTAVAIL")) {
        throw new ExitError(EXIT.failed, `cannot listen on ${options.http}: ${error.message}`);
      }
      throw error;
    }
    if (!isLoopbackHost(http.host))
      io.stderr.write(
        `mc: warning: serving on ${http.host}, reachable from other hosts; the bearer token is the only protection and travels in clear text without a TLS proxy\n`,
      );
    io.stderr.write(`mc: serving MCP (Streamable HTTP) at ${handle.url}\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    io.stderr.write("mc: shutting down\n");
    await handle.close();
  } finally {
    await runtime?.close();
  }
}

function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) {
    throw new ExitError(EXIT.usage, `--http wants host:port (e.g. 127.0.0.1:8765 or [::1]:8765), not ${JSON.stringify(value)}`);
  }
  return { host: match[1] ?? match[2] ?? "", port };
}

function readToken(io: CliIo, tokenFile: string | undefined): string {
  let token: string;
  if (tokenFile !== undefined) {
    try {
      token = readFileSync(tokenFile, "utf8").trim();
      if ((statSync(tokenFile).mode & 0o077) !== 0) {
        io.stderr.write(`mc: warning: token file ${tokenFile} is readable by other users; chmod 600 it\n`);
      }
    } catch (error) {
      // Not @mc/core's errorMessage: this module stays free of imports that `mcp serve` over stdio does not need at once.
      throw new ExitError(EXIT.usage, `cannot read --token-file ${tokenFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    token = (io.env.MC_HTTP_TOKEN ?? "").trim();
  }
  if (token === "") {
    throw new ExitError(EXIT.usage, "--http needs a bearer token: --token-file FILE or MC_HTTP_TOKEN (refusing to serve HTTP without one)");
  }
  return token;
}
