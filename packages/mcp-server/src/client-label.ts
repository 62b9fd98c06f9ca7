/** Longest client name kept in an approver label, in characters. */
export const MAX_CLIENT_LABEL_CHARS = 64;

/**
 * A client's self-declared name, made safe to record and show: the name comes from the client
 * (`clientInfo.name`) and is untrusted, so control, format (bidi overrides included), private-use
 * and unassigned characters are written as `\u{…}` escapes, the result is cut to 64 characters
 * (with "…"), and a missing or empty name becomes "an unnamed MCP client".
 * @param name - `clientInfo.name` as the client sent it
 * @returns printable text of at most 65 characters
 */
export function clientLabel(name: string | undefined): string {
  if (name === undefined || name.trim() === "") return "an unnamed MCP client";
  let label = "";
  let length = 0;
  for (const character of name) {
    const shown =
      /[\p{C}\p{Zl}\p{Zp}]/u.test(character) || (/\s/u.test(character) && character !== " ") ? `\\u{${character.codePointAt(0)?.toString(16)}}` : character;
    const size = [...shown].length;
    if (length + size > MAX_CLIENT_LABEL_CHARS) return `${label}…`;
    label += shown;
    length += size;
  }
  return label;
}
