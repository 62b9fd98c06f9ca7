import { userInfo } from "node:os";
import { APPROVAL_STATUSES, type ApprovalRecord, type ApprovalStatus } from "@mc/approvals";
import { McError } from "@mc/core";
import * as v from "valibot";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { terminalCell, terminalJson, terminalLines, terminalMessage, terminalText, type TerminalText } from "../terminal-text.js";

type Options = GlobalOptions & { stateDir?: string; policy?: string };

const ListOptionsSchema = v.object({
  status: v.optional(v.picklist(APPROVAL_STATUSES, `--status must be one of ${APPROVAL_STATUSES.join(", ")}`)),
  limit: v.pipe(v.string(), v.regex(/^\d+$/, "--limit must be a whole number"), v.transform(Number), v.minValue(1, "--limit must be at least 1"), v.maxValue(1000, "--limit must be at most 1000")),
  host: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/, "--host must be a host id (letters, digits, '.', '_', '-')"))),
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
    const store = await runtime.store();
    const approvals = await store.list({ ...(parsed.output.status ? { status: parsed.output.status as ApprovalStatus } : {}), ...(parsed.output.host ? { host: parsed.output.host } : {}), limit: parsed.output.limit });
    emit(io, options, { approvals }, () =>
      approvals.length === 0
        ? terminalText`no approval requests`
        : terminalLines(approvals.map((approval) => terminalText`${approval.id}  ${terminalCell(approval.host ?? "-", 16)}  ${terminalCell(approval.status, 9)}  ${terminalCell(approval.tool, 22)} ${summarize(approval)}`)),
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
    const approval = await (await runtime.store()).get(id);
    if (approval === undefined) throw new ExitError(EXIT.failed, `no approval with id ${JSON.stringify(id)}; see mc approvals list`);
    emit(io, options, { approval }, () => describe(approval));
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
  decisionOptions: { note?: string },
): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const store = await runtime.store();
    const by = operator();
    const note = decisionOptions.note;
    let approval: ApprovalRecord;
    try {
      approval =
        action === "approve"
          ? await store.approve(id, { approver: by, ...(note ? { note } : {}) })
          : await store.reject(id, { by, ...(note ? { note } : {}) });
    } catch (error) {
      if (McError.isInstance(error)) throw new ExitError(EXIT.failed, error.message, { code: error.code });
      throw error;
    }
    emit(io, options, { ok: true, approval }, () =>
      action === "approve"
        ? terminalText`approved ${approval.id} (${approval.tool}) as ${by}; the client may now repeat its call with approval_id ${approval.id} until ${approval.expiresAt}`
        : terminalText`rejected ${approval.id} (${approval.tool}) as ${by}`,
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
