import { readdir, readFile, readlink } from "node:fs/promises";
import { endianness } from "node:os";
import { defineTool, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { systemdCgroupPath, unitsOfCgroup } from "./cgroup-unit.js";
import { wholeNumberSchema } from "./whole-number.js";

/** Transport protocols the tool reports. */
export const SOCKET_PROTOCOLS = ["tcp", "udp"] as const;

/** One listening socket. */
export const listeningSocketSchema = v.object({
  protocol: v.pipe(v.picklist(SOCKET_PROTOCOLS), v.description("tcp (state LISTEN) or udp (bound, not connected).")),
  family: v.pipe(v.picklist(["inet", "inet6"]), v.description("inet (IPv4) or inet6 (IPv6).")),
  address: v.pipe(v.string(), v.description("Local address: 0.0.0.0 or :: for every address, 127.0.0.1 for loopback only, …")),
  port: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535), v.description("Local port.")),
  pid: v.pipe(v.nullable(v.number()), v.description("Lowest pid holding the socket open; null when no visible process does.")),
  process: v.pipe(v.nullable(v.string()), v.description("That process's command name (comm); null with pid.")),
  unit: v.pipe(v.nullable(v.string()), v.description("The system manager's unit that owns the process (as process_to_unit finds it); null if none.")),
});

/** Output of `listening_sockets`. */
export const listeningSocketsOutputSchema = v.object({
  sockets: v.array(listeningSocketSchema),
  total: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("How many sockets matched before `limit`.")),
  truncated: v.pipe(v.boolean(), v.description("More sockets matched than `limit`.")),
});

/** A socket as /proc/net lists it, before its process is looked up. */
export interface ProcNetSocket {
  /** tcp or udp */
  protocol: (typeof SOCKET_PROTOCOLS)[number];
  /** inet or inet6 */
  family: "inet" | "inet6";
  /** Local address, printed. */
  address: string;
  /** Local port. */
  port: number;
  /** Socket inode, which /proc/PID/fd links name as `socket:[INODE]`. */
  inode: number;
}

/** Kernel socket states (include/net/tcp_states.h) that mean "listening". */
const TCP_LISTEN = "0A";
/** TCP_CLOSE: an unconnected UDP socket, what `ss -lu` shows as UNCONN. */
const UDP_UNCONNECTED = "07";

/**
 * Turns one 32-bit word of a /proc/net address, printed in host byte order, into its bytes in
 * network order.
 * @param word - eight hex digits
 * @returns four bytes
 */
function wordBytes(word: string): number[] {
  const bytes = [0, 2, 4, 6].map((offset) => Number.parseInt(word.slice(offset, offset + 2), 16));
  return endianness() === "LE" ? bytes.reverse() : bytes;
}

/**
 * Formats sixteen bytes as a compressed IPv6 address (RFC 5952; IPv4-mapped as ::ffff:a.b.c.d).
 * @param bytes - the address in network order
 * @returns the printed address
 */
function formatIpv6(bytes: readonly number[]): string {
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((index) => ((bytes[index * 2] ?? 0) << 8) | (bytes[index * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not compressed
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * Decodes a /proc/net local address such as `0100007F:1F90`.
 * @param field - the `local_address` column
 * @returns address and port, or undefined when the field is malformed
 */
export function decodeProcNetAddress(field: string): { family: "inet" | "inet6"; address: string; port: number } | undefined {
  const match = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(field);
  if (match === null) return undefined;
  const [, hex, port] = match as unknown as [string, string, string];
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap(wordBytes);
  return hex.length === 8
    ? { family: "inet", address: bytes.join("."), port: Number.parseInt(port, 16) }
    : { family: "inet6", address: formatIpv6(bytes), port: Number.parseInt(port, 16) };
}

/**
 * Parses /proc/net/{tcp,tcp6,udp,udp6}, keeping the listening sockets.
 * @param text - the file's contents
 * @param protocol - tcp or udp: which state means listening
 * @returns the listening sockets, in the file's order
 */
export function parseProcNet(text: string, protocol: (typeof SOCKET_PROTOCOLS)[number]): ProcNetSocket[] {
  const listening = protocol === "tcp" ? TCP_LISTEN : UDP_UNCONNECTED;
  const sockets: ProcNetSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, state, inode] = [fields[1], fields[3], fields[9]];
    if (local === undefined || state !== listening || inode === undefined || !/^\d+$/.test(inode)) continue;
    const decoded = decodeProcNetAddress(local);
    if (decoded === undefined) continue;
    sockets.push({ protocol, ...decoded, inode: Number(inode) });
  }
  return sockets;
}

/**
 * Reads a /proc/net table; a missing one (IPv6 disabled) is empty.
 * @param name - tcp, tcp6, udp or udp6
 * @returns the file's text
 */
async function readProcNet(name: string): Promise<string> {
  try {
    return await readFile(`/proc/net/${name}`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new ToolFailureError(`Could not read /proc/net/${name}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Finds which process holds each socket by walking /proc/PID/fd, lowest pid first, stopping once
 * every inode is found. Processes that exit meanwhile or whose fds cannot be read are skipped.
 * @param inodes - socket inodes to look for
 * @returns inode → lowest pid holding it
 */
async function socketOwners(inodes: ReadonlySet<number>): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  if (inodes.size === 0) return owners;
  const pids = (await readdir("/proc"))
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .sort((left, right) => left - right);
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match === null) continue;
      const inode = Number(match[1]);
      if (inodes.has(inode) && !owners.has(inode)) owners.set(inode, pid);
    }
    if (owners.size === inodes.size) break;
  }
  return owners;
}

/**
 * A process's command name and owning unit; nulls when it is gone.
 * @param pid - process id
 * @returns comm and unit
 */
async function describeOwner(pid: number): Promise<{ process: string | null; unit: string | null }> {
  try {
    const [command, cgroupText] = await Promise.all([readFile(`/proc/${pid}/comm`, "utf8"), readFile(`/proc/${pid}/cgroup`, "utf8")]);
    return { process: command.trimEnd(), unit: unitsOfCgroup(systemdCgroupPath(cgroupText) ?? "/").unit };
  } catch {
    return { process: null, unit: null };
  }
}

/**
 * `listening_sockets`: TCP and UDP sockets waiting for traffic, with the process and unit that
 * hold them. Reads /proc/net and /proc/PID/fd of the host mc runs on (no command is started:
 * nothing to parse out of `ss`'s quoted process names, and no dependency on iproute2).
 */
export const listeningSocketsTool = defineTool({
  name: "listening_sockets",
  title: "Listening sockets",
  description:
    "Lists listening TCP sockets and bound UDP sockets of the host's network namespace from /proc/net: " +
    "protocol, family, local address and port, and the process holding each (lowest pid, command name, owning " +
    "systemd unit; null where none is visible). `protocol` tcp, udp or all (default); `limit` (default 100, " +
    "1–500). Sorted by protocol, port, address.",
  risk: "read_only",
  input: v.strictObject({
    protocol: v.optional(
      v.pipe(v.picklist(["tcp", "udp", "all"], "must be tcp, udp or all"), v.description("Which sockets: tcp, udp or all (default).")),
      "all",
    ),
    limit: v.optional(wholeNumberSchema(1, 500, "How many sockets at most (1–500, default 100)."), 100),
  }),
  output: listeningSocketsOutputSchema,
  async run(input) {
    const protocols = input.protocol === "all" ? SOCKET_PROTOCOLS : [input.protocol];
    const found: ProcNetSocket[] = [];
    for (const protocol of protocols) {
      for (const table of [protocol, `${protocol}6`]) found.push(...parseProcNet(await readProcNet(table), protocol));
    }
    found.sort((left, right) => left.protocol.localeCompare(right.protocol) || left.port - right.port || left.address.localeCompare(right.address));
    const shown = found.slice(0, input.limit);
    const owners = await socketOwners(new Set(shown.map((socket) => socket.inode)));
    const sockets = await Promise.all(
      shown.map(async ({ inode, ...socket }) => {
        const pid = owners.get(inode) ?? null;
        return { ...socket, pid, ...(pid === null ? { process: null, unit: null } : await describeOwner(pid)) };
      }),
    );
    return { sockets, total: found.length, truncated: found.length > shown.length };
  },
});
