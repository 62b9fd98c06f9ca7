import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { McError } from "@mc/core";
import { APPROVAL_STATUSES, approveCommand, type ApprovalPreview, type ApprovalRecord, type Runtime } from "@mc/runtime";
import * as v from "valibot";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, writeExact, type CliIo, type GlobalOptions } from "../io.js";
import { toJsonOutput } from "../json-output.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { terminalCell, terminalJson, terminalLines, terminalMessage, terminalText, type TerminalText } from "../terminal-text.js";

type Options = GlobalOptions & { stateDir?: string; policy?: string };

const ListOptionsSchema = v.object({
  status: v.optional(v.picklist(APPROVAL_STATUSES, `--status must be one of ${APPROVAL_STATUSES.join(", ")}`)),
  limit: v.pipe(
    v.string(),
    v.regex(/^\d+$/, "--limit must be a whole number"),
    v.transform(Number),
    v.minValue(1, "--limit must be at least 1"),
    v.maxValue(1000, "--limit must be at most 1000"),
  ),
  host: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/, "--host must be a host id (letters, digits, '.', '_', '-')")),
  ),
});

/**
 * `mc approvals list`: approval requests, newest first.
 * @param io - streams
 * @param options - global options
 * @param listOptions - `--status`, `--limit`, `--host`
 */
export async function approvalsListCommand(io: CliIo, options: Options, listOptions: { status?: string; limit: string; host?: string }): Promise<void> {
  const parsed = v.safeParse(ListOptionsSchema, listOptions);
  if (!parsed.success) throw new ExitError(EXIT.usage, parsed.issues[0].message);
  const runtime = runtimeFromOptions(io, options);
  try {
    const approvals = await runtime.approvals.list({
      ...(parsed.output.status ? { status: parsed.output.status } : {}),
      ...(parsed.output.host ? { host: parsed.output.host } : {}),
      limit: parsed.output.limit,
    });
    emit(io, options, { approvals }, () =>
      approvals.length === 0
        ? terminalText`no approval requests`
        : terminalLines(
            approvals.map(
              (approval) =>
                terminalText`${approval.id}  ${terminalCell(approval.host ?? "-", 16)}  ${terminalCell(approval.status, 9)}  ${terminalCell(approval.tool, 22)} ${summarize(approval)}`,
            ),
          ),
    );
  } finally {
    await runtime.close();
  }
}

/**
 * `mc approvals show ID`.
 * @param io - streams
 * @param options - global options
 * @param id - approval id
 */
export async function approvalsShowCommand(io: CliIo, options: Options, id: string): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const preview = await findApproval(runtime, id);
    emit(io, options, { approval: preview.approval, ...previewFields(preview) }, () => describePreview(preview));
  } finally {
    await runtime.close();
  }
}

/**
 * `mc approvals approve|reject ID`: a human's out-of-band decision.
 * @param io - streams
 * @param options - global options
 * @param id - approval id
 * @param action - approve or reject
 * @param decisionOptions - `--note`
 */
export async function approvalsDecideCommand(
  io: CliIo,
  options: Options,
  id: string,
  action: "approve" | "reject",
  decisionOptions: { note?: string; yes?: boolean },
): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const by = operator();
    const note = decisionOptions.note;
    // Unknown ids are refused naming the database looked in, and no database is ever created.
    const preview = await findApproval(runtime, id);
    if (action === "approve" && !options.json && io.stdinIsTty && decisionOptions.yes !== true) {
      // At a terminal the human sees what they approve (a config write as its diff) first.
      io.stdout.write(`${describePreview(preview).text}\n`);
      if (!(await confirm(io, `approve ${preview.approval.tool} ${preview.approval.id}? [y/N] `))) {
        throw new ExitError(EXIT.failed, `not approved: ${id} stays ${preview.approval.status}`);
      }
    }
    let approval: ApprovalRecord;
    try {
      approval =
        action === "approve"
          ? await runtime.approvals.approve(id, { by, method: "cli", ...(note ? { note } : {}) })
          : await runtime.approvals.reject(id, { by, method: "cli", ...(note ? { note } : {}) });
    } catch (error) {
      if (McError.isInstance(error)) throw new ExitError(EXIT.failed, error.message, { code: error.code });
      throw error;
    }
    emit(io, options, { ok: true, approval }, () =>
      action === "approve"
        ? terminalText`approved ${approval.id}: ${approval.tool} ${summarize(approval)} as ${by}; a waiting call runs now, otherwise the client may repeat its call with approval_id ${approval.id} until ${approval.expiresAt}`
        : terminalText`rejected ${approval.id}: ${approval.tool} ${summarize(approval)} as ${by}${note ? terminalText` (note: ${note})` : ""}; the client's next identical call gets this rejection`,
    );
  } finally {
    await runtime.close();
  }
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? "?"}`;
  }
}

function summarize(approval: ApprovalRecord): TerminalText {
  return terminalJson(approval.arguments, { indent: 0, maxLength: 60 });
}

function describe(approval: ApprovalRecord): TerminalText {
  const requester = approval.requester;
  const rows: Array<[string, TerminalText | string | null]> = [
    ["id", approval.id],
    ["host", approval.host],
    ["tool", approval.tool],
    ["status", approval.status],
    ["arguments", terminalJson(approval.arguments, { indent: 0 })],
    ["requested by", requester.clientName ? terminalText`${requester.caller} (${requester.clientName})` : requester.caller],
    ["created", approval.createdAt],
    ["expires", approval.expiresAt],
    ["decided", approval.decidedAt ? terminalText`${approval.decidedAt} by ${approval.decidedBy ?? "?"}` : null],
    ["note", approval.decisionNote],
    ["executed by", approval.executor ? terminalText`pid ${approval.executor.pid} on ${approval.executor.host}` : null],
    ["finished", approval.finishedAt],
    ["error", approval.error === null ? null : terminalMessage(approval.error)],
  ];
  return terminalLines(
    rows.filter((row): row is [string, TerminalText | string] => row[1] !== null).map(([key, value]) => terminalText`${terminalCell(key, 13)}${value}`),
  );
}

const WatchOptionsSchema = v.object({
  interval: v.pipe(
    v.string(),
    v.regex(/^\d+$/, "--interval must be a whole number of seconds"),
    v.transform(Number),
    v.minValue(1, "--interval must be at least 1"),
    v.maxValue(60, "--interval must be at most 60"),
  ),
});

/**
 * `mc approvals watch`: prints every pending request as it arrives (those pending at the start
 * first), with the command that approves it; `--json` prints one JSON object per line. Polls
 * the database; stops, exit 0, on Ctrl-C (SIGINT) or SIGTERM.
 * @param io - streams
 * @param options - global options
 * @param watchOptions - `--interval` in seconds
 */
export async function approvalsWatchCommand(io: CliIo, options: Options, watchOptions: { interval: string }): Promise<void> {
  const parsed = v.safeParse(WatchOptionsSchema, watchOptions);
  if (!parsed.success) throw new ExitError(EXIT.usage, parsed.issues[0].message);
  const runtime = runtimeFromOptions(io, options);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    requireDatabase(runtime);
    if (!options.json) io.stderr.write(`watching for approval requests in ${databaseName(runtime)} (Ctrl-C to stop)\n`);
    const seen = new Set<string>();
    while (!stop.signal.aborted) {
      const pending = await runtime.approvals.list({ status: "pending", limit: 1000 });
      for (const approval of pending.reverse()) {
        if (seen.has(approval.id)) continue;
        seen.add(approval.id);
        const approveWith = approveCommand(approval.id, runtime.paths, io.env);
        // One JSON object per line (snake_case keys, as every --json output).
        if (options.json) writeExact(io.stdout, `${JSON.stringify(toJsonOutput({ approval, approve_with: approveWith }))}\n`);
        else
          io.stdout.write(
            `${terminalText`${approval.createdAt}  ${approval.id}  ${approval.tool} ${summarize(approval)}  requested by ${requesterOf(approval)}, expires ${approval.expiresAt}\n  show: mc approvals show ${approval.id}   approve: ${approveWith}`.text}\n`,
          );
      }
      try {
        await sleep(parsed.output.interval * 1000, undefined, { signal: stop.signal });
      } catch {
        break;
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await runtime.close();
  }
}

/**
 * Refuses to go on when the embedded database does not exist: approving, rejecting or showing
 * in the wrong state dir must say so, not create an empty database and report "unknown id".
 */
function requireDatabase(runtime: Runtime): void {
  const path = runtime.paths.databasePath;
  if (path === undefined || existsSync(path)) return;
  throw new ExitError(
    EXIT.failed,
    `no approval database at ${path} (state dir ${runtime.paths.stateDir}); nothing was created. Run the command in the state dir the request was made in: ` +
      "the request's approve_with names it (MC_STATE_DIR=… or --state-dir …, MC_DB_PATH=… or MC_DB_URL=…)",
  );
}

/** The database, for messages: its file, or "the MC_DB_URL database" (a URL may hold a password). */
function databaseName(runtime: Runtime): string {
  return runtime.paths.databasePath ?? "the MC_DB_URL database";
}

/** One approval with its preview, or an error naming where it was looked for. */
async function findApproval(runtime: Runtime, id: string): Promise<ApprovalPreview> {
  requireDatabase(runtime);
  const preview = await runtime.approvals.preview(id);
  if (preview === undefined) {
    throw new ExitError(
      EXIT.failed,
      `no approval with id ${JSON.stringify(id)} in ${databaseName(runtime)} (state dir ${runtime.paths.stateDir}); see mc approvals list, or run the request's approve_with as printed (it names its state dir when not the default)`,
    );
  }
  return preview;
}

/** Asks a yes/no question on stderr and reads one line; anything but y/yes (or end of input) is no. */
async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (io.stdin === undefined) return false;
  io.stderr.write(question);
  const lines = createInterface({ input: io.stdin, terminal: false });
  try {
    const answer = await new Promise<string | undefined>((resolve) => {
      lines.once("line", resolve);
      lines.once("close", () => resolve(undefined));
    });
    return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
    io.stdin.pause();
  }
}

function previewFields(preview: ApprovalPreview): Record<string, unknown> {
  return {
    ...(preview.diff === undefined ? {} : { diff: preview.diff }),
    ...(preview.previewError === undefined ? {} : { preview_error: preview.previewError }),
  };
}

function requesterOf(approval: ApprovalRecord): TerminalText {
  return approval.requester.clientName
    ? terminalText`${approval.requester.caller} (${approval.requester.clientName})`
    : terminalText`${approval.requester.caller}`;
}

/** The approval and, for a config write or restore, its diff line by line (each line escaped). */
function describePreview(preview: ApprovalPreview): TerminalText {
  const { approval, diff } = preview;
  // The new content is shown as the diff; repeating it as one JSON string would bury it.
  const shown =
    diff !== undefined && typeof approval.arguments.content === "string"
      ? { ...approval, arguments: { ...approval.arguments, content: `<${Buffer.byteLength(approval.arguments.content)} bytes: see the diff below>` } }
      : approval;
  const parts = [describe(shown)];
  if (diff !== undefined) {
    const lines =
      diff === ""
        ? [terminalText`(no change: the file already has this content)`]
        : diff
            .replace(/\n$/, "")
            .split("\n")
            .map((line) => terminalText`${/^(---|\+\+\+) /.test(line) ? line.replace("\t", "  ") : line}`);
    parts.push(terminalText`${terminalCell("diff", 13)}against the file as it is now:`, ...lines);
  }
  if (preview.previewError !== undefined) parts.push(terminalText`${terminalCell("diff", 13)}unavailable: ${terminalMessage(preview.previewError)}`);
  return terminalLines(parts);
}
