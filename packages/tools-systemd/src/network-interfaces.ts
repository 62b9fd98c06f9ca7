import { defineTool, TIMEOUTS, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { notInstalledError, runIfInstalled } from "./installed-program.js";

/** One address of an interface. */
export const interfaceAddressSchema = v.object({
  family: v.pipe(v.picklist(["inet", "inet6"]), v.description("inet (IPv4) or inet6 (IPv6).")),
  address: v.pipe(v.string(), v.description("The address, e.g. 127.0.0.1 or fe80::1.")),
  prefix_length: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(128), v.description("Network prefix length, e.g. 8 in 127.0.0.1/8.")),
  scope: v.pipe(v.string(), v.description("Address scope: host, link, global, …")),
});

/** One network interface. */
export const networkInterfaceSchema = v.object({
  name: v.pipe(v.string(), v.description("Interface name, e.g. eth0.")),
  state: v.pipe(v.string(), v.description("Operational state (operstate): UP, DOWN, UNKNOWN (loopback), …")),
  mtu: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("MTU in bytes.")),
  mac: v.pipe(v.nullable(v.string()), v.description("Link-layer (MAC) address; null when the link has none.")),
  addresses: v.pipe(v.array(interfaceAddressSchema), v.description("IPv4 and IPv6 addresses, as ip lists them.")),
});

/** Output of `network_interfaces`. */
export const networkInterfacesOutputSchema = v.object({
  interfaces: v.array(networkInterfaceSchema),
});

/** What `ip -json addr` prints per interface; only the fields used, everything else ignored. */
const ipLinkSchema = v.object({
  ifname: v.string(),
  operstate: v.optional(v.string(), "UNKNOWN"),
  mtu: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  address: v.optional(v.string()),
  addr_info: v.optional(
    v.array(
      v.object({
        family: v.optional(v.string()),
        local: v.optional(v.string()),
        prefixlen: v.optional(v.number()),
        scope: v.optional(v.string()),
      }),
    ),
    [],
  ),
});

/** A link-layer address as `ip` prints one: hex pairs separated by colons. */
const MAC_PATTERN = /^[0-9a-f]{2}(?::[0-9a-f]{2})+$/i;

/**
 * Parses the JSON of `ip -json addr`.
 * @param text - ip's stdout
 * @returns one entry per interface, in ip's order
 * @throws ToolFailureError when the text is not the JSON ip prints
 */
export function parseIpAddr(text: string): v.InferOutput<typeof networkInterfaceSchema>[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ToolFailureError(`ip -json addr printed no valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = v.safeParse(v.array(ipLinkSchema), json);
  if (!parsed.success) {
    throw new ToolFailureError(`ip -json addr printed unexpected JSON: ${v.summarize(parsed.issues).slice(0, 300)}`);
  }
  return parsed.output.map((link) => ({
    name: link.ifname,
    state: link.operstate,
    mtu: link.mtu,
    mac: link.address !== undefined && MAC_PATTERN.test(link.address) ? link.address : null,
    addresses: link.addr_info.flatMap((info) =>
      (info.family === "inet" || info.family === "inet6") && info.local !== undefined && info.prefixlen !== undefined
        ? [{ family: info.family, address: info.local, prefix_length: info.prefixlen, scope: info.scope ?? "global" }]
        : [],
    ),
  }));
}

/** `network_interfaces`: the host's interfaces and their addresses, from `ip -json addr`. */
export const networkInterfacesTool = defineTool({
  name: "network_interfaces",
  title: "Network interfaces",
  description:
    "Lists the host's network interfaces from `ip -json addr` (iproute2): name, operational state, MTU, MAC " +
    "address (null when the link has none) and each IPv4/IPv6 address with its prefix length and scope.",
  risk: "read_only",
  input: v.strictObject({}),
  output: networkInterfacesOutputSchema,
  async run(_input, context) {
    const result = await runIfInstalled(context, "ip", ["-json", "addr"], {
      timeoutMs: TIMEOUTS.query,
      purpose: "list network interfaces",
      acceptTruncated: true,
    });
    if (result === undefined) throw notInstalledError("`ip` (iproute2) is not installed on this host.");
    if (result.truncated) {
      // Cut JSON cannot be parsed; say so rather than report a partial list as the whole.
      throw new ToolFailureError("ip -json addr printed more than the output cap: too many interfaces to list.", {
        data: { reason: "output_cap" },
      });
    }
    return { interfaces: parseIpAddr(result.stdout) };
  },
});
