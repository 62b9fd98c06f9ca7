import { setFlagsFromString } from "node:v8";

/**
 * The V8 flags `mc mcp serve` sets on itself, by V8 major. Both are read by V8 while it runs
 * (when new space would grow, when a full GC sizes the heap), not only when the heap is set up,
 * so they take effect from inside the process; flags such as `--max-semi-space-size` do not, and
 * the bin and the single-file bundle cannot put flags on Node's command line.
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps the size it has instead of
 *   doubling (8 → 16 MiB semi-spaces, +17 MiB of RSS) after a few hundred calls.
 * - `--optimize-for-size`: full GCs size the old generation for memory and shrink the young
 *   generation again, so objects promoted by the smaller young generation (calls in flight while
 *   their audit entry is fsynced) are collected instead of piling up.
 *
 * On V8 11 (Node 20) both. On V8 12 and 13 (Node 22 and 24) only the growth factor:
 * `--optimize-for-size` doubled the `memory_usage` call's p50 on Node 22.
 *
 * Measured (bundle, Node 20, in turns): RSS after 400 calls and a burst of 200 114.6 → 89.8 MiB,
 * growth from 400 to 5,000 calls +52.3 → +4.6 MiB, call p50 unchanged. The growth factor alone
 * (bin, in turns, 6 sessions each at load ~1, 4 on Node 24): Node 22 RSS after the burst 96.6 →
 * 84.4 MiB, call p50 0.995 → 1.016 ms; Node 24 104.9 → 95.1 MiB, p50 0.994 → 0.999 ms.
 */
const GROWTH_ONLY = ["--semi-space-growth-factor=1"] as const;
const FLAGS_BY_V8_MAJOR: ReadonlyMap<number, readonly string[]> = new Map<number, readonly string[]>([
  [11, ["--semi-space-growth-factor=1", "--optimize-for-size"]],
  [12, GROWTH_ONLY],
  [13, GROWTH_ONLY],
]);

/**
 * The flags {@link tuneHeapForServing} sets on a V8 version; empty for a V8 whose flags were not
 * checked (an unknown flag makes V8 print an error).
 * @param v8Version - V8's version (default: this process's)
 * @returns the flags
 */
export function serveV8Flags(v8Version: string = process.versions.v8): readonly string[] {
  return FLAGS_BY_V8_MAJOR.get(Number.parseInt(v8Version, 10)) ?? [];
}

/**
 * Tunes V8's heap for a long-lived server that answers many small requests: memory that stays
 * flat over thousands of calls. Process-wide, so only the server command calls it.
 * @param v8Version - V8's version (default: this process's)
 * @returns the flags set, empty when none were
 */
export function tuneHeapForServing(v8Version: string = process.versions.v8): readonly string[] {
  const flags = serveV8Flags(v8Version);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
