// Types of code-cache.js (plain JavaScript: the bin runs without a build step of its own).

/** What a CommonJS file run through the code cache gives back. */
export interface CodeCacheRun {
  /** The file's module.exports. */
  readonly exports: { main(argv: readonly string[]): Promise<number> };
  /** Stores the compiled code if there was no usable cache; call once the command did its work. */
  save(): void;
  /** accepted/rejected: V8's verdict on a cache; none: no usable cache file; off: no trusted directory. */
  readonly status: "accepted" | "rejected" | "none" | "off";
}

/** The cache directory `<$XDG_CACHE_HOME or ~/.cache>/master-control/<name>` if only this user or root can write it, all the way up. */
export function trustedCacheDirectory(name: string): string | undefined;
/** Loads the CommonJS file `filename` through the code cache of `command`. */
export function loadWithCodeCache(filename: string, command: string): CodeCacheRun;
/** The script a CommonJS module's code runs as: Node's CommonJS function wrapper around `source`. */
export function wrapCommonJs(source: string): string;
/** The cache name of the command in `argv` (`mcp-serve`, `tools`, `tool`, `version`, …). */
export function commandCacheName(argv: readonly string[]): string;
/**
 * Runs `mc` with `argv` from CommonJS code through the code cache; returns the exit code. The code is
 * the file `filename`, or run as that file `script`, the {@link wrapCommonJs} function of the CLI's
 * code (what the single-file bundle carries).
 */
export function runMc(options: { filename: string; script?: string; argv: readonly string[] }): Promise<number>;
