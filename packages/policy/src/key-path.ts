/** A path to a value in the policy document: table keys and array indexes. */
export type KeyPath = readonly (string | number)[];

/**
 * Formats a key path the way TOML writes it: `tools.restart_service.allowed_scopes[1]`;
 * keys that are not bare TOML keys are quoted.
 * @param path - the key path
 * @returns the readable path, `(root)` for the document itself
 */
export function formatKeyPath(path: KeyPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else {
      const key = /^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment);
      text += text === "" ? key : `.${key}`;
    }
  }
  return text === "" ? "(root)" : text;
}
