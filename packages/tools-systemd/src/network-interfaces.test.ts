import { InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { networkInterfacesTool, parseIpAddr } from "./network-interfaces.js";
import { callTool, contextFor } from "./test-kit.js";

describe("networkInterfacesTool", () => {
  it("should list loopback with 127.0.0.1/8 from this host's ip", async () => {
    const { context, calls } = contextFor();
    const result = await callTool(networkInterfacesTool, {}, context);
    const loopback = result.interfaces.find((entry) => entry.name === "lo");
    expect(loopback?.addresses).toContainEqual({ family: "inet", address: "127.0.0.1", prefix_length: 8, scope: "host" });
    expect(loopback?.mtu).toBeGreaterThan(0);
    expect(calls.map((call) => [call.file, call.args])).toStrictEqual([["ip", ["-json", "addr"]]]);
  });

  it("should refuse any argument before a process starts", async () => {
    const { context, calls } = contextFor();
    await expect(callTool(networkInterfacesTool, { device: "lo" }, context)).rejects.toSatisfy(InputError.isInstance);
    expect(calls).toStrictEqual([]);
  });

  it("should say ip is not installed where the runner cannot find it", async () => {
    // A prefix that cannot exec its command exits 127, as nsenter does for a missing program.
    const { context } = contextFor(["env", "PATH=/nonexistent"]);
    await expect(callTool(networkInterfacesTool, {}, context)).rejects.toMatchObject({
      code: "tool_failed",
      message: "`ip` (iproute2) is not installed on this host.",
      data: { reason: "not_installed" },
    });
  });
});

describe("parseIpAddr", () => {
  it("should keep inet and inet6 addresses and make a missing MAC null", () => {
    const text = JSON.stringify([
      {
        ifname: "tun0",
        operstate: "UNKNOWN",
        mtu: 1500,
        link_type: "none",
        addr_info: [
          { family: "inet", local: "10.8.0.1", prefixlen: 24, scope: "global" },
          { family: "inet6", local: "fe80::1", prefixlen: 64, scope: "link" },
          { family: "mpls" },
        ],
      },
      { ifname: "eth0", operstate: "UP", mtu: 9000, address: "02:fc:00:00:00:01", addr_info: [] },
    ]);
    expect(parseIpAddr(text)).toStrictEqual([
      {
        name: "tun0",
        state: "UNKNOWN",
        mtu: 1500,
        mac: null,
        addresses: [
          { family: "inet", address: "10.8.0.1", prefix_length: 24, scope: "global" },
          { family: "inet6", address: "fe80::1", prefix_length: 64, scope: "link" },
        ],
      },
      { name: "eth0", state: "UP", mtu: 9000, mac: "02:fc:00:00:00:01", addresses: [] },
    ]);
  });

  it("should fail on text that is not ip's JSON", () => {
    expect(() => parseIpAddr('Object "addr" is unknown')).toThrow(/no valid JSON/);
    expect(() => parseIpAddr('[{"mtu": 1}]')).toThrow(/unexpected JSON/);
  });
});
