import { SERVER_INSTRUCTIONS, serverCapabilities } from "./server-identity.js";

/**
 * The protocol versions the SDK's `initialize` negotiates, in its order of preference: its
 * `SUPPORTED_PROTOCOL_VERSIONS` without the 2026-07-28+ era, which `initialize` never negotiates.
 * A copy, because reading the SDK's list loads the whole SDK (its zod schemas are built on
 * import), which is what the early answer avoids; early-initialize.test.ts holds the copy to
 * the SDK's list, and every early answer is compared with the SDK's own (stdio-session.ts).
 */
export const INITIALIZE_PROTOCOL_VERSIONS: readonly string[] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"];

/** The answer to an `initialize` request, given before the SDK is loaded. */
export interface EarlyInitializeAnswer {
  /** The request's id. */
  id: string | number;
  /** The `result` sent: what the SDK will answer to the same request. */
  result: Record<string, unknown>;
}

/**
 * The answer to `message` when it is an `initialize` request of the plainest kind — exactly the
 * JSON-RPC envelope, and params that hold only `protocolVersion`, `capabilities` and
 * `clientInfo` in shapes the SDK accepts — else undefined, and the SDK answers it itself. The
 * answer is fixed data: the version negotiated as the SDK does (the requested one when
 * supported, else the latest), the capabilities and instructions of server-identity.ts, the
 * server's name and version. Anything unusual (a `_meta`, an envelope claim of the 2026 era,
 * icons, task capabilities) is left to the SDK, so an early answer never says yes to a request
 * the SDK would refuse.
 * @param message - one parsed JSON-RPC message, the first the client sent
 * @param serverInfo - the server's name and version, as the SDK's server is given them
 * @returns the early answer, or undefined
 */
export function earlyInitializeAnswer(message: unknown, serverInfo: { name: string; version: string }): EarlyInitializeAnswer | undefined {
  if (!isRecord(message) || !onlyKeys(message, ["jsonrpc", "id", "method", "params"])) return undefined;
  const { id, params } = message;
  if (message.jsonrpc !== "2.0" || message.method !== "initialize" || !(typeof id === "string" || Number.isSafeInteger(id))) return undefined;
  if (!isRecord(params) || !onlyKeys(params, ["protocolVersion", "capabilities", "clientInfo"])) return undefined;
  const { protocolVersion } = params;
  if (typeof protocolVersion !== "string" || !plainClientInfo(params.clientInfo) || !plainCapabilities(params.capabilities)) return undefined;
  return {
    id: id as string | number,
    result: {
      protocolVersion: INITIALIZE_PROTOCOL_VERSIONS.includes(protocolVersion) ? protocolVersion : INITIALIZE_PROTOCOL_VERSIONS[0],
      capabilities: serverCapabilities(),
      serverInfo: { name: serverInfo.name, version: serverInfo.version },
      instructions: SERVER_INSTRUCTIONS,
    },
  };
}

/** `clientInfo`: name and version, optionally title, websiteUrl and description, all strings. */
function plainClientInfo(value: unknown): boolean {
  if (!isRecord(value) || !onlyKeys(value, ["name", "version", "title", "websiteUrl", "description"])) return false;
  return typeof value.name === "string" && typeof value.version === "string" && Object.values(value).every((item) => typeof item === "string");
}

/**
 * `capabilities`: an object whose known members have the SDK's shapes (roots, sampling,
 * elicitation, experimental, extensions); `tasks` is left to the SDK; members the SDK does not
 * know it ignores, and so does this check.
 */
function plainCapabilities(value: unknown): boolean {
  if (!isRecord(value) || "tasks" in value) return false;
  const { roots, sampling, elicitation, experimental, extensions } = value;
  if (roots !== undefined && !(isRecord(roots) && (roots.listChanged === undefined || typeof roots.listChanged === "boolean"))) return false;
  if (sampling !== undefined && !(isRecord(sampling) && optionalRecord(sampling.context) && optionalRecord(sampling.tools))) return false;
  if (elicitation !== undefined) {
    if (!isRecord(elicitation) || !optionalRecord(elicitation.form) || !optionalRecord(elicitation.url)) return false;
    if (isRecord(elicitation.form) && elicitation.form.applyDefaults !== undefined && typeof elicitation.form.applyDefaults !== "boolean") return false;
  }
  return recordOfRecords(experimental) && recordOfRecords(extensions);
}

function recordOfRecords(value: unknown): boolean {
  return value === undefined || (isRecord(value) && Object.values(value).every(isRecord));
}

function optionalRecord(value: unknown): boolean {
  return value === undefined || isRecord(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}
