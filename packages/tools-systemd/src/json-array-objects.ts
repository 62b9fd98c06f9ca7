/**
 * The complete objects of a JSON array, even when the text was cut: systemctl's `--output=json`
 * prints one array, and the runner cuts output at its cap, which leaves the array unclosed. The
 * scan is linear: it tracks strings (with their escapes) and nesting, and parses each top-level
 * object once it closes, so a cut object at the end is dropped and text inside a string (a `}` in
 * a description) never ends an object early.
 * @param text - a JSON array of objects, possibly cut anywhere
 * @returns the objects that were complete, in order; undefined when the text is not such an array
 */
export function jsonArrayObjects(text: string): Record<string, unknown>[] | undefined {
  const start = text.search(/\S/);
  if (start === -1 || text[start] !== "[") return undefined;
  const objects: Record<string, unknown>[] = [];
  let depth = 0;
  let inString = false;
  let objectStart = -1;
  for (let index = start + 1; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === "{" || character === "[") {
      if (depth === 0) {
        if (character === "[") return undefined;
        objectStart = index;
      }
      depth++;
    } else if (character === "}" || character === "]") {
      if (depth === 0) break; // the array's own "]"
      depth--;
      if (depth === 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text.slice(objectStart, index + 1));
        } catch {
          return undefined;
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
        objects.push(parsed as Record<string, unknown>);
      }
    }
  }
  return objects;
}
