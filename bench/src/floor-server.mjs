#!/usr/bin/env node
// The floor under mc's tools/call: an MCP server of the same SDK with one tool that reads
// /proc/meminfo like memory_usage, and nothing else of mc (no policy, no validation of its own,
// no audit). `pnpm bench` calls it beside mc and the original, in turns:
//   node floor-server.mjs sdk            the bare SDK round trip
//   node floor-server.mjs fsync FILE     + one durable append per call (write, then fdatasync)
//   node floor-server.mjs libsql FILE    + one INSERT per call into a libSQL file in WAL mode,
//                                          synchronous=FULL (SQLite's default, as in mc's store),
//                                          prepared once on the native binding, as mc's append is
// The same ~500-byte record each time, about the size of one of mc's audit events.
import { fdatasyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";

const [mode = "sdk", file] = process.argv.slice(2);
const RECORD = `${JSON.stringify({ time: new Date(0).toISOString(), caller: "mcp", tool: "memory_usage", arguments: "{}", decision: "allowed", outcome: "ok" }).padEnd(500)}\n`;

/** The durable write each call makes before it answers, by mode. */
async function durableWrite() {
  if (mode === "sdk") return () => undefined;
  if (file === undefined) throw new Error(`floor-server ${mode} needs a FILE`);
  if (mode === "fsync") {
    const fd = openSync(file, "a", 0o600);
    const record = Buffer.from(RECORD);
    return () => {
      writeSync(fd, record);
      fdatasyncSync(fd);
    };
  }
  if (mode === "libsql") {
    // The native binding with the statement prepared once, as mc's audit append runs it.
    const { default: Database } = await import("libsql");
    const database = new Database(file, { timeout: 5_000 });
    database.exec("PRAGMA journal_mode=WAL");
    const { synchronous } = database.prepare("PRAGMA synchronous").get();
    if (synchronous !== 2) throw new Error(`floor-server libsql: synchronous is ${synchronous}, not FULL (2)`);
    database.exec("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, record TEXT NOT NULL)");
    const insert = database.prepare("INSERT INTO events (record) VALUES (?)");
    return () => insert.run([RECORD]);
  }
  throw new Error(`floor-server: unknown mode ${mode} (sdk, fsync or libsql)`);
}

const write = await durableWrite();
const server = new McpServer({ name: `floor-${mode}`, version: "1.0.0" }, { capabilities: {} });
server.registerTool("memory_usage", { description: "/proc/meminfo, read and returned as text" }, async () => {
  const text = readFileSync("/proc/meminfo", "utf8");
  await write();
  return { content: [{ type: "text", text }] };
});
await server.connect(new StdioServerTransport());
