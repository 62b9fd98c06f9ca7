/**
 * Whether `host` is a loopback address or name.
 * @param host - an address or hostname (IPv6 with or without brackets)
 * @returns true for localhost, 127.0.0.0/8 and ::1
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * Whether a browser `Origin` is this server's own: plain http, a loopback name or address, and
 * the very port the server listens on. A page served by the server's own address may call it
 * (the MCP conformance suite's DNS-rebinding check expects that); a page of any other local
 * service (another port) or any other host is still refused.
 * @param origin - the `Origin` header as sent
 * @param port - the port the server listens on
 * @returns true only for the server's own loopback origin
 */
export function isOwnLoopbackOrigin(origin: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An origin is scheme://host[:port] and nothing more; anything else is not a browser's origin.
  if (url.protocol !== "http:" || url.username !== "" || url.password !== "" || `${url.protocol}//${url.host}` !== origin.toLowerCase()) return false;
  return isLoopbackHost(url.hostname) && Number(url.port === "" ? 80 : url.port) === port;
}
