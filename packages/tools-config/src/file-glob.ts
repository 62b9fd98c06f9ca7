/**
 * Compiles a config target's file glob into an anchored RegExp. `*` matches any run of
 * characters and `?` one character, but neither ever matches `/`, so a glob segment never
 * crosses a directory; `*` and `?` also never match a leading `.` of a segment (as in a shell),
 * so `*.ini` does not reach hidden files such as mc's own `.x.ini.mc-tmp-…` temp files.
 * `[abc]`, `[a-z]`, `[!a-z]` are classes (never matching `/`); `\x` is a literal `x`.
 * @param pattern - a glob relative to a target root, e.g. `conf.d/*.ini`
 * @returns the anchored expression
 */
export function compileFileGlob(pattern: string): RegExp {
  let source = "";
  let atSegmentStart = true;
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index] as string;
    const noLeadingDot = atSegmentStart ? "(?!\\.)" : "";
    atSegmentStart = character === "/";
    if (character === "*") {
      source += `${noLeadingDot}[^/]*`;
    } else if (character === "?") {
      source += `${noLeadingDot}[^/]`;
    } else if (character === "[") {
      const end = pattern.indexOf("]", index + 2);
      if (end === -1) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(index + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      const escaped = body.replace(/[\\\]^]/g, (special) => `\\${special}`);
      source += negated ? `${noLeadingDot}[^/${escaped}]` : `(?!/)[${escaped}]`;
      index = end;
    } else if (character === "\\" && index + 1 < pattern.length) {
      index += 1;
      source += escapeLiteral(pattern[index] as string);
    } else {
      source += escapeLiteral(character);
    }
  }
  return new RegExp(`^${source}$`, "u");
}

function escapeLiteral(character: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(character) ? `\\${character}` : character;
}

/**
 * Whether a path relative to a root matches a file glob as a whole.
 * @param pattern - the glob
 * @param relativePath - the path below the root, `/`-separated, no leading `/`
 * @returns true when the glob matches the whole path
 */
export function matchesFileGlob(pattern: string, relativePath: string): boolean {
  return compileFileGlob(pattern).test(relativePath);
}
