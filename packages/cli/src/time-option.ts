// `--since` / `--until`: an absolute time (ISO 8601, as the audit journal stores them) or an age
// counted back from now (`90s`, `15m`, `1h`, `2d`, `1w`), as journalctl and docker logs take them.

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d{1,6})([smhdw])$/u;
const ISO_DATE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$/u;

/**
 * Reads a time option.
 * @param value - `2026-12-01`, `2026-12-01T10:00:00Z`, or an age such as `1h`, `2d`
 * @param now - the current time (relative values count back from it)
 * @returns the time, or undefined when `value` is neither form
 */
export function parseTimeOption(value: string, now: Date = new Date()): Date | undefined {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNIT_MS[relative[2] ?? "s"] ?? 1000));
  if (!ISO_DATE.test(value)) return undefined;
  const time = new Date(value.replace(" ", "T"));
  return Number.isNaN(time.getTime()) ? undefined : time;
}
