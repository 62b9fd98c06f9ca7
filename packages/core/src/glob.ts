/** A compiled shell-style glob. */
export interface CompiledGlob {
  /** The pattern as written. */
  pattern: string;
  /** Anchored expression matching the whole subject. */
  regex: RegExp;
}

/** How a glob treats names that start with a dot. */
export interface GlobOptions {
  /**
   * When true, `*`, `?` and a negated class never match the leading `.` of a path segment (as in
   * a shell), so `*.ini` does not reach hidden files such as mc's own `.x.ini.mc-tmp-…` temp
   * files. A literal `.` in the pattern still matches. Default false.
   */
  hideDotFiles?: boolean;
}

/** The outcome of compiling a glob: the matcher, or why the pattern is malformed. */
export type GlobCompileResult = { ok: true; glob: CompiledGlob } | { ok: false; message: string };

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

function escapeForRegex(character: string): string {
  return REGEX_SPECIAL.test(character) ? `\\${character}` : character;
}

/**
 * Compiles a shell-style glob: `*` (any run of characters), `?` (one character), `[abc]`,
 * `[a-z]`, `[!a-z]` / `[^a-z]` (a class; `]` first in a class is literal) and `\x` (a literal x).
 * No wildcard ever matches `/`, so in a path a segment never crosses a directory. One glob
 * language for the whole of mc: the policy checks patterns with it, and the unit and config
 * path rules match with it.
 * @param pattern - the glob
 * @param options - dot-file rule
 * @returns the compiled glob, or a message saying what is wrong with the pattern
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): GlobCompileResult {
  if (pattern.length === 0) return { ok: false, message: "a glob may not be empty" };
  let source = "";
  let index = 0;
  while (index < pattern.length) {
    const character = pattern[index] as string;
    const atSegmentStart = index === 0 || pattern[index - 1] === "/";
    const noLeadingDot = options.hideDotFiles === true && atSegmentStart ? "(?!\\.)" : "";
    if (character === "*") {
      source += `${noLeadingDot}[^/]*`;
      index += 1;
    } else if (character === "?") {
      source += `${noLeadingDot}[^/]`;
      index += 1;
    } else if (character === "\\") {
      const next = pattern[index + 1];
      if (next === undefined) return { ok: false, message: `glob "${pattern}" ends with a lone "\\"` };
      source += escapeForRegex(next);
      index += 2;
    } else if (character === "[") {
      const parsed = parseClass(pattern, index);
      if (!parsed.ok) return parsed;
      source += parsed.negated ? `${noLeadingDot}${parsed.source}` : parsed.source;
      index = parsed.end;
    } else {
      source += escapeForRegex(character);
      index += 1;
    }
  }
  try {
    return { ok: true, glob: { pattern, regex: new RegExp(`^${source}$`, "u") } };
  } catch (error) {
    // The escaping above should make this unreachable; a pattern it misses is still refused.
    return { ok: false, message: `glob "${pattern}" cannot be compiled: ${(error as Error).message}` };
  }
}

function parseClass(pattern: string, start: number): { ok: true; source: string; end: number; negated: boolean } | { ok: false; message: string } {
  let index = start + 1;
  let negated = false;
  if (pattern[index] === "!" || pattern[index] === "^") {
    negated = true;
    index += 1;
  }
  const members: string[] = [];
  let first = true;
  while (index < pattern.length) {
    let character = pattern[index] as string;
    if (character === "]" && !first) {
      if (members.length === 0) return { ok: false, message: `glob "${pattern}" has an empty character class at character ${start + 1}` };
      // A class never matches "/" so that a wildcard cannot cross a path segment.
      const body = members.join("");
      return { ok: true, source: negated ? `[^/${body}]` : `(?!/)[${body}]`, end: index + 1, negated };
    }
    first = false;
    if (character === "\\") {
      const next = pattern[index + 1];
      if (next === undefined) break;
      character = next;
      index += 1;
    }
    const dash = pattern[index + 1];
    const rangeEnd = pattern[index + 2];
    if (dash === "-" && rangeEnd !== undefined && rangeEnd !== "]") {
      if (rangeEnd.codePointAt(0)! < character.codePointAt(0)!) {
        return { ok: false, message: `glob "${pattern}" has a reversed range "${character}-${rangeEnd}"` };
      }
      members.push(`${escapeClassMember(character)}-${escapeClassMember(rangeEnd)}`);
      index += 3;
    } else {
      members.push(escapeClassMember(character));
      index += 1;
    }
  }
  return { ok: false, message: `glob "${pattern}" has an unclosed "[" at character ${start + 1}` };
}

function escapeClassMember(character: string): string {
  return /[\\\][^-]/.test(character) ? `\\${character}` : character;
}

/**
 * Whether a subject matches a compiled glob as a whole.
 * @param glob - compiled glob
 * @param subject - a unit name or a path relative to a root
 * @returns true when the whole subject matches
 */
export function matchGlob(glob: CompiledGlob, subject: string): boolean {
  return glob.regex.test(subject);
}
