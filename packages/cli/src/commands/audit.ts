import { AUDIT_OUTCOMES, CALLER_KINDS } from "@mc/runtime";
import * as v from "valibot";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { styled, styledLines, type TerminalStyle } from "../terminal-style.js";
import { humanValue, renderTable } from "../terminal-table.js";
import { terminalLines, terminalMessage, terminalText } from "../terminal-text.js";
import { parseTimeOption } from "../time-option.js";

type Options = GlobalOptions & { stateDir?: string; policy?: string };

const HostSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/, "--host must be a host id (letters, digits, '.', '_', '-')"),
);

const ListOptionsSchema = v.object({
  tool: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*$/, "--tool must be a tool name"))),
  outcome: v.optional(v.picklist(AUDIT_OUTCOMES, `--outcome must be one of ${AUDIT_OUTCOMES.join(", ")}`)),
  caller: v.optional(v.picklist(CALLER_KINDS, `--caller must be one of ${CALLER_KINDS.join(", ")}`)),
  host: v.optional(HostSchema),
  limit: v.pipe(
    v.string(),
    v.regex(/^\d+$/, "--limit must be a whole number"),
    v.transform(Number),
    v.minValue(1, "--limit must be at least 1"),
    v.maxValue(10_000, "--limit must be at most 10000"),
  ),
  since: v.optional(v.pipe(v.string(), timeOption("--since"))),
  until: v.optional(v.pipe(v.string(), timeOption("--until"))),
});

/** A valibot step reading `--since`/`--until` (ISO time or an age: `1h`, `2d`). */
function timeOption(name: string) {
  return v.rawTransform<string, Date>(({ dataset, addIssue, NEVER }) => {
    const time = parseTimeOption(dataset.value);
    if (time !== undefined) return time;
    addIssue({
      message: `${name} must be an ISO time (2026-12-01T10:00:00Z, 2026-12-01) or an age (90s, 15m, 1h, 2d, 1w), not ${JSON.stringify(dataset.value)}`,
    });
    return NEVER;
  });
}

const OUTCOME_STYLES: Readonly<Partial<Record<string, TerminalStyle>>> = {
  ok: "green",
  denied: "red",
  failed: "red",
  error: "red",
  pending: "yellow",
  started: "cyan",
};

/**
 * `mc audit [list]`: audit events, newest first, filtered.
 * @param io - streams
 * @param options - global options
 * @param listOptions - `--tool`, `--outcome`, `--caller`, `--host`, `--limit`, `--since`, `--until`
 */
export async function auditListCommand(
  io: CliIo,
  options: Options,
  listOptions: { tool?: string; outcome?: string; caller?: string; host?: string; limit: string; since?: string; until?: string },
): Promise<void> {
  const parsed = v.safeParse(ListOptionsSchema, listOptions);
  if (!parsed.success) throw new ExitError(EXIT.usage, parsed.issues[0].message);
  const { tool, outcome, caller, host, limit, since, until } = parsed.output;
  const runtime = runtimeFromOptions(io, options);
  try {
    const events = await runtime.audit.list({
      ...(tool ? { tool } : {}),
      ...(outcome ? { outcome } : {}),
      ...(caller ? { caller } : {}),
      ...(host ? { host } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      limit,
    });
    emit(io, options, { events }, () =>
      events.length === 0
        ? terminalText`no audit events`
        : styledLines([
            renderTable(
              [
                { header: "host", maxWidth: 24 },
                { header: "seq", align: "right" },
                { header: "time" },
                { header: "caller", maxWidth: 32 },
                { header: "tool" },
                { header: "outcome" },
                { header: "reason" },
              ],
              events.map((event) => [
                event.host ?? null,
                event.seq,
                humanValue("time", event.time),
                event.clientName ? terminalText`${event.caller}:${event.clientName}` : event.caller,
                event.tool,
                styled(event.outcome, OUTCOME_STYLES[event.outcome]),
                event.reason ? terminalMessage(event.reason) : null,
              ]),
            ),
            styled(
              `${events.length} ${events.length === 1 ? "event" : "events"}${events.length === limit ? ` (the newest ${limit}; --limit for more)` : ""}`,
              "dim",
            ),
          ]),
    );
  } finally {
    await runtime.close();
  }
}

/**
 * `mc audit verify`: checks the hash chain; exit 1 when an event was changed or deleted.
 * @param io - streams
 * @param options - global options
 * @param verifyOptions - `--host`: only that host's chain
 * @returns the exit code: 0, or 1 when the check does not pass
 */
export async function auditVerifyCommand(io: CliIo, options: Options, verifyOptions: { host?: string } = {}): Promise<number> {
  const host = verifyOptions.host === undefined ? undefined : v.safeParse(HostSchema, verifyOptions.host);
  if (host !== undefined && !host.success) throw new ExitError(EXIT.usage, host.issues[0].message);
  const runtime = runtimeFromOptions(io, options);
  try {
    const verification = await runtime.audit.verify(host === undefined ? {} : { host: host.output });
    emit(io, options, verification, () =>
      verification.ok
        ? terminalText`audit chain intact: ${verification.checked} events verified`
        : terminalLines([
            terminalText`audit chain BROKEN (${verification.checked} events checked):`,
            ...verification.problems.map((problem) =>
              problem.host === undefined
                ? terminalText`  event ${problem.seq}: ${terminalMessage(problem.problem)}`
                : terminalText`  host ${problem.host} event ${problem.seq}: ${terminalMessage(problem.problem)}`,
            ),
          ]),
    );
    return verification.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await runtime.close();
  }
}
