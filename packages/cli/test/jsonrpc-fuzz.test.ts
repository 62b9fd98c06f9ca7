// Hostile frames written raw to a real `mc mcp serve` process: it must survive every batch, answer
// the errors JSON-RPC requires of a request it understood, never write anything but JSON-RPC to
// stdout, and run no tool for a malformed call (read back from the audit journal).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime } from "@mc/runtime";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const SEED = Number(process.env.MC_FUZZ_SEED ?? 20_261_125);
const FRAMES = Number(process.env.MC_FUZZ_FRAMES ?? 240);
const BATCH = 12;

/** A generated frame: the bytes, and what the server owes for it. */
interface Frame {
  kind: string;
  bytes: string | Buffer;
  /** Id of a request the server understood the envelope of and must answer with an error. */
  mustError?: { id: number; codes: number[] };
  /** A well-formed tools/call with bad arguments: an error or an isError result. */
  mustRefuse?: { id: number };
}

let nextId = 1_000_000;
const id = () => (nextId += 1);
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

const junkValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const frame: fc.Arbitrary<() => Frame> = fc.oneof(
  fc
    .string({ maxLength: 40 })
    .filter((text) => !text.includes("\n"))
    .map((text) => () => ({ kind: "invalid JSON", bytes: `{${text}\n` })),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => () => ({ kind: "binary junk", bytes: Buffer.concat([Buffer.from(bytes.filter((byte) => byte !== 10)), Buffer.from("\n")]) })),
  fc
    .constantFrom("1.0", "2", "", "3.0", null, 2)
    .map((version) => () => ({ kind: "wrong jsonrpc version", bytes: line({ jsonrpc: version, id: id(), method: "ping" }) })),
  fc.constant(() => ({ kind: "missing method", bytes: line({ jsonrpc: "2.0", id: id(), params: {} }) })),
  junkValue
    .filter((method) => typeof method !== "string")
    .map((method) => () => ({ kind: "method not a string", bytes: line({ jsonrpc: "2.0", id: id(), method }) })),
  fc
    .constantFrom(1e300, -1, 2 ** 53 + 2, "x".repeat(10_000), 1.5)
    .map((requestId) => () => ({ kind: "huge or odd id", bytes: line({ jsonrpc: "2.0", id: requestId, method: "ping" }) })),
  fc
    .constantFrom({}, [], true, { a: 1 })
    .map((requestId) => () => ({ kind: "id of a wrong type", bytes: line({ jsonrpc: "2.0", id: requestId, method: "ping" }) })),
  fc
    .oneof(
      fc.constantFrom("tools/run", "TOOLS/LIST", "rpc.discover", "resources/read", "sampling/createMessage", "__proto__", ""),
      fc.string({ minLength: 1, maxLength: 20 }),
    )
    .filter((method) => !["ping", "initialize", "tools/list", "tools/call"].includes(method) && !method.startsWith("notifications/"))
    .map((method) => () => {
      const requestId = id();
      return { kind: "unknown method", bytes: line({ jsonrpc: "2.0", id: requestId, method, params: {} }), mustError: { id: requestId, codes: [-32601] } };
    }),
  junkValue.map((params) => () => ({
    kind: "tools/call params not an object",
    bytes: line({ jsonrpc: "2.0", id: id(), method: "tools/call", params: Array.isArray(params) ? params : [params] }),
  })),
  fc
    .record({
      name: fc.oneof(junkValue, fc.constantFrom("memory_usage", "no_such_tool", "../memory_usage", "")),
      arguments: fc.oneof(junkValue, fc.constant({ unit: "$(id)" }), fc.constant({ limit: -1 })),
    })
    .filter(
      (params) =>
        !(
          params.name === "memory_usage" &&
          typeof params.arguments === "object" &&
          params.arguments !== null &&
          !Array.isArray(params.arguments) &&
          Object.keys(params.arguments).length === 0
        ),
    )
    .map((params) => () => {
      const requestId = id();
      return { kind: "tools/call garbage params", bytes: line({ jsonrpc: "2.0", id: requestId, method: "tools/call", params }), mustRefuse: { id: requestId } };
    }),
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => () => ({
    kind: "deep nesting",
    bytes: `{"jsonrpc":"2.0","id":${id()},"method":"ping","params":{"x":${"[".repeat(depth)}${"]".repeat(depth)}}}\n`,
  })),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => () => ({ kind: "deep unbalanced nesting", bytes: `${"[".repeat(depth)}\n` })),
  fc.constant(() => ({
    kind: "batch",
    bytes: line([
      { jsonrpc: "2.0", id: id(), method: "ping" },
      { jsonrpc: "2.0", id: id(), method: "tools/list" },
    ]),
  })),
  fc.constant(() => ({ kind: "empty line", bytes: "\n" })),
  fc.constant(() => ({ kind: "response from nowhere", bytes: line({ jsonrpc: "2.0", id: id(), result: { ok: true } }) })),
  fc.constant(() => ({ kind: "unknown notification", bytes: line({ jsonrpc: "2.0", method: "notifications/bogus", params: { x: 1 } }) })),
);

/** The server process with every stdout line parsed (and a record of anything that was not JSON). */
interface Server {
  child: ChildProcessWithoutNullStreams;
  messages: Array<Record<string, unknown>>;
  notJson: string[];
  stderr: string[];
  waitFor(requestId: number | string, timeoutMs?: number): Promise<Record<string, unknown>>;
  write(bytes: string | Buffer): Promise<void>;
}

function startServer(env: Record<string, string>): Server {
  const child = spawn(process.execPath, [MC_BIN, "mcp", "serve"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const messages: Array<Record<string, unknown>> = [];
  const notJson: string[] = [];
  const stderr: string[] = [];
  let buffered = "";
  const waiters = new Map<string, (message: Record<string, unknown>) => void>();
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf("\n")) !== -1) {
      const text = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      try {
        const message = JSON.parse(text) as Record<string, unknown>;
        if (typeof message !== "object" || message === null || message.jsonrpc !== "2.0") notJson.push(text);
        messages.push(message);
        const waiter = waiters.get(JSON.stringify(message.id));
        if (waiter) waiter(message);
      } catch {
        notJson.push(text);
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  return {
    child,
    messages,
    notJson,
    stderr,
    waitFor(requestId, timeoutMs = 10_000) {
      const key = JSON.stringify(requestId);
      const found = messages.find((message) => JSON.stringify(message.id) === key && ("result" in message || "error" in message));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer to id ${key} within ${timeoutMs} ms (server exit code ${child.exitCode}); stderr: ${stderr.join("")}`)),
          timeoutMs,
        );
        waiters.set(key, (message) => {
          clearTimeout(timer);
          waiters.delete(key);
          resolve(message);
        });
      });
    },
    write(bytes) {
      return new Promise((resolve, reject) => child.stdin.write(bytes, (error) => (error ? reject(error) : resolve())));
    },
  };
}

describe("mc mcp serve against malformed JSON-RPC frames", () => {
  let dir: string;
  let server: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-jsonrpc-fuzz-"));
    writeFileSync(join(dir, "policy.toml"), "version = 1\n[tools.memory_usage]\nenabled = true\n");
    server = startServer({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") });
    await server.write(
      line({
        jsonrpc: "2.0",
        id: "init",
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "fuzz", version: "1" } },
      }),
    );
    const answer = await server.waitFor("init", 30_000);
    expect(answer).toHaveProperty("result.serverInfo.name", "mc");
    await server.write(line({ jsonrpc: "2.0", method: "notifications/initialized" }));
  });

  afterAll(() => {
    server?.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("should survive 240 generated malformed frames, answer the errors it owes, and run no tool for them", async () => {
    const makers = fc.sample(frame, { seed: SEED, numRuns: FRAMES });
    const kinds = new Map<string, number>();
    const owed: Frame[] = [];
    let validCalls = 0;
    let batches = 0;
    for (let start = 0; start < makers.length; start += BATCH) {
      for (const make of makers.slice(start, start + BATCH)) {
        const current = make();
        kinds.set(current.kind, (kinds.get(current.kind) ?? 0) + 1);
        if (current.mustError || current.mustRefuse) owed.push(current);
        try {
          await server.write(current.bytes);
        } catch (error) {
          throw new Error(
            `seed ${SEED}: writing frame ${start} (${current.kind}) failed, the server is gone: ${String(error)}; stderr: ${server.stderr.join("")}`,
          );
        }
      }
      // A valid request split at odd places, then a tool call that must run: the server still works.
      const pingId = `ping-${batches}`;
      const ping = line({ jsonrpc: "2.0", id: pingId, method: batches % 2 === 0 ? "ping" : "tools/list" });
      for (const piece of [ping.slice(0, 3), ping.slice(3, 17), ping.slice(17)]) {
        await server.write(piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const pong = await server.waitFor(pingId).catch((error: Error) => {
        throw new Error(`seed ${SEED}: the server stopped answering after frames ${start}–${start + BATCH - 1}: ${error.message}`);
      });
      expect(pong).toHaveProperty("result");
      const callId = `call-${batches}`;
      await server.write(line({ jsonrpc: "2.0", id: callId, method: "tools/call", params: { name: "memory_usage", arguments: {} } }).replace("\n", "\r\n"));
      const call = await server.waitFor(callId);
      expect(call).toHaveProperty("result.structuredContent.total_bytes");
      expect((call.result as { isError?: boolean }).isError).not.toBe(true);
      validCalls += 1;
      batches += 1;
    }

    for (const current of owed) {
      const requestId = (current.mustError ?? current.mustRefuse)?.id ?? 0;
      const answer = await server.waitFor(requestId, 5_000).catch((error: Error) => {
        throw new Error(`seed ${SEED}: ${current.kind} frame ${String(current.bytes).slice(0, 200)} got no answer: ${error.message}`);
      });
      if (current.mustError) {
        expect({ kind: current.kind, code: (answer.error as { code?: number } | undefined)?.code }).toStrictEqual({ kind: current.kind, code: -32601 });
      } else {
        const refused = "error" in answer || (answer.result as { isError?: boolean } | undefined)?.isError === true;
        expect({ kind: current.kind, frame: String(current.bytes), refused }).toStrictEqual({
          kind: current.kind,
          frame: String(current.bytes),
          refused: true,
        });
      }
    }

    expect(server.notJson).toStrictEqual([]);
    expect(server.child.exitCode).toBeNull();

    // The audit journal: exactly the valid memory_usage calls ran; nothing malformed did.
    const runtime = createRuntime({ stateDir: join(dir, "state"), policyPath: join(dir, "policy.toml"), env: {} });
    try {
      const ran = await runtime.audit.list({ outcome: "ok", limit: 10_000 });
      expect(ran.map((record) => record.tool)).toStrictEqual(Array.from({ length: validCalls }, () => "memory_usage"));
      expect(ran.every((record) => Object.keys(record.arguments).length === 0)).toBe(true);
      expect((await runtime.audit.verify()).ok).toBe(true);
    } finally {
      await runtime.close();
    }
    console.log(
      `JSON-RPC fuzz (seed ${SEED}): ${makers.length} malformed frames in ${batches} batches, server alive after each, ${owed.length} owed errors answered, ${validCalls} valid calls audited and nothing else ran, ${server.messages.length} stdout lines all JSON-RPC; kinds ${JSON.stringify(Object.fromEntries([...kinds].sort()))}`,
    );
  }, 120_000);

  // The SDK's stdio transport drops these silently; JSON-RPC 2.0 requires a -32700 Parse error
  // (id null) for invalid JSON and -32602 for params of the wrong type: mc's frame check answers.
  it("should answer invalid JSON with a -32700 parse error", async () => {
    const before = server.messages.length;
    await server.write("{not json\n");
    await server.write(line({ jsonrpc: "2.0", id: "after-parse-error", method: "ping" }));
    await server.waitFor("after-parse-error");
    expect(server.messages.slice(before).some((message) => (message.error as { code?: number } | undefined)?.code === -32700)).toBe(true);
  });

  it("should answer a request with params of the wrong type with -32602", async () => {
    await server.write(line({ jsonrpc: "2.0", id: "params-string", method: "tools/call", params: "memory_usage" }));
    const answer = await server.waitFor("params-string", 2_000);
    expect(answer).toHaveProperty("error.code", -32602);
  });
});
