import { createSocket } from "node:dgram";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { InputError } from "@mc/core";
import { describe, expect, it, onTestFinished } from "vitest";
import { decodeProcNetAddress, listeningSocketsTool, parseProcNet } from "./listening-sockets.js";
import { processToUnitTool } from "./process-to-unit.js";
import { callTool, contextFor } from "./test-kit.js";

/**
 * Opens a TCP server and a UDP socket on loopback, closed when the test ends.
 * @returns their ports
 */
async function openSockets(): Promise<{ tcpPort: number; udpPort: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const udp = createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    udp.close();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return { tcpPort: address.port, udpPort: udp.address().port };
}

describe("listeningSocketsTool", () => {
  it("should list a TCP server and a UDP socket this test opened, with this process's pid", async () => {
    const { tcpPort, udpPort } = await openSockets();
    const { context, calls } = contextFor();
    const result = await callTool(listeningSocketsTool, { limit: 500 }, context);
    expect(result.sockets).toContainEqual(expect.objectContaining({ protocol: "tcp", family: "inet", address: "127.0.0.1", port: tcpPort, pid: process.pid }));
    expect(result.sockets).toContainEqual(expect.objectContaining({ protocol: "udp", family: "inet", address: "127.0.0.1", port: udpPort, pid: process.pid }));
    const mine = result.sockets.find((socket) => socket.port === tcpPort && socket.protocol === "tcp");
    expect(mine?.process).toBe((await readFile(`/proc/${process.pid}/comm`, "utf8")).trimEnd());
    // The owning unit is the one process_to_unit finds for the same pid.
    const owner = await callTool(processToUnitTool, { pid: process.pid }, context);
    expect(mine?.unit).toBe(owner.processes[0]?.unit);
    // No process was started: /proc is read directly.
    expect(calls).toStrictEqual([]);
  });

  it("should keep to one protocol and honour limit", async () => {
    const { tcpPort, udpPort } = await openSockets();
    const { context } = contextFor();
    const tcp = await callTool(listeningSocketsTool, { protocol: "tcp", limit: 500 }, context);
    expect(tcp.sockets.every((socket) => socket.protocol === "tcp")).toBe(true);
    expect(tcp.sockets.some((socket) => socket.port === tcpPort)).toBe(true);
    const udp = await callTool(listeningSocketsTool, { protocol: "udp", limit: 500 }, context);
    expect(udp.sockets.every((socket) => socket.protocol === "udp")).toBe(true);
    expect(udp.sockets.some((socket) => socket.port === udpPort)).toBe(true);
    const one = await callTool(listeningSocketsTool, { limit: 1 }, context);
    expect(one.sockets).toHaveLength(1);
    expect(one.total).toBeGreaterThanOrEqual(2);
    expect(one.truncated).toBe(true);
  });

  it.each([
    [{ limit: 0 }, "limit"],
    [{ limit: 501 }, "limit"],
    [{ limit: 1.5 }, "limit"],
    [{ protocol: "sctp" }, "protocol"],
    [{ protocol: "tcp; id" }, "protocol"],
    [{ port: 22 }, "port"],
  ])("should refuse %j as an input error", async (args, path) => {
    const { context } = contextFor();
    const error = await callTool(listeningSocketsTool, args, context).catch((caught: unknown) => caught);
    expect(InputError.isInstance(error)).toBe(true);
    expect((error as InputError).issues.map((issue) => issue.path)).toContain(path);
  });
});

describe("parseProcNet", () => {
  it("should keep LISTEN for tcp and unconnected for udp, decoding addresses", () => {
    const header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    const tcp =
      header +
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0\n" +
      "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1\n";
    expect(parseProcNet(tcp, "tcp")).toStrictEqual([{ protocol: "tcp", family: "inet", address: "127.0.0.1", port: 8080, inode: 1111 }]);
    const udp6 =
      header +
      "  10: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3333 2 0 0\n" +
      "  11: 00000000000000000000000001000000:0044 00000000000000000000000000000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 4444 2 0 0\n";
    expect(parseProcNet(udp6, "udp")).toStrictEqual([{ protocol: "udp", family: "inet6", address: "::", port: 53, inode: 3333 }]);
  });
});

describe("decodeProcNetAddress", () => {
  it.each([
    ["00000000:0016", "0.0.0.0", 22],
    ["0100007F:0277", "127.0.0.1", 631],
    ["00000000000000000000000001000000:0277", "::1", 631],
    ["0000000000000000FFFF00000100007F:1F90", "::ffff:127.0.0.1", 8080],
    ["000080FE00000000FF005450CDAB3412:0016", "fe80::5054:ff:1234:abcd", 22],
  ])("should decode %s (little-endian host)", (field, address, port) => {
    expect(decodeProcNetAddress(field)).toMatchObject({ address, port });
  });

  it("should refuse a malformed field", () => {
    expect(decodeProcNetAddress("nonsense")).toBeUndefined();
    expect(decodeProcNetAddress("0100007F:1F9")).toBeUndefined();
  });
});
