import { MAX_CONFIG_FILE_BYTES } from "./limits.js";
import { readVerifiedFile } from "./open-verified-file.js";
import type { ManagedPath } from "./resolve-managed-path.js";
import { unifiedDiff } from "./unified-diff.js";

/**
 * The diff a write would make, for the human deciding on its approval: from the file as it is
 * now (read the one safe way every reader shares) to `content`. Writes nothing, runs nothing.
 * @param managed - the resolved managed path
 * @param content - what the write would leave
 * @param newLabel - header of the new side, e.g. `new` or `backup <id>`
 * @returns the unified diff; "" when the file already holds `content`
 */
export async function previewWrite(managed: ManagedPath, content: Uint8Array, newLabel: string): Promise<string> {
  const current = await readVerifiedFile(managed.path, {
    maxBytes: MAX_CONFIG_FILE_BYTES,
    allowMissing: true,
    operation: "read",
    displayPath: managed.requestedPath,
  });
  const decode = (bytes: Uint8Array) => new TextDecoder("utf-8").decode(bytes);
  return unifiedDiff(managed.path, current === null ? "" : decode(current.bytes), decode(content), current === null ? "(new file)" : "current", newLabel);
}
