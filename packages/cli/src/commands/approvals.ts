import { userInfo } from "node:os";
import { APPROVAL_STATUSES, type ApprovalRecord, type ApprovalStatus } from "@mc/approvals";
import { McError } from "@mc/core";
import * as v from "valibot";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";

type Options = GlobalOptions & { stateDir?: string; policy?: string };

const ListOptionsSchema = v.object({
  status: v.optional(v.picklist(APPROVAL_STATUSES, `--status must be one of ${APPROVAL_STATUSES.join(", ")}`)),
  limit: v.pipe(v.string(), v.regex(/^\d+$/, "--limit must be a whole number"), v.transform(Number), v.minValue(1, "--limit must be at least 1"), v.maxValue(1000, "--limit must be at most 1000")),
});

/**
 * `mc approvals list`: approval requests, newest first.
 * @param io - streams
 * @param options - global options
 * @param listOptions - `--status`, `--limit`
 */
export async function approvalsListCommand(io: CliIo, options: Options, listOptions: { status?: string; limit: string }): Promise<void> {
  const parsed = v.safeParse(ListOptionsSchema, listOptions);
  if (!parsed.success) throw new ExitError(EXIT.usage, parsed.issues[0].message);
  const runtime = runtimeFromOptions(io, options);
  try {
    const store = await runtime.store();
    const approvals = await store.list({ ...(parsed.output.status ? { status: parsed.output.status as ApprovalStatus } : {}), limit: parsed.output.limit });
    emit(io, options, { approvals }, () =>
      approvals.length === 0
        ? "no approval requests"
        : approvals.map((approval) => `${approval.id}  ${approval.status.padEnd(9)}  ${approval.tool.padEnd(22)} ${summarize(approval)}`).join("\n"),
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
        ? `approved ${approval.id} (${approval.tool}) as ${by}; the client may now repeat its call with approval_id ${approval.id} until ${approval.expiresAt}`
        : `rejected ${approval.id} (${approval.tool}) as ${by}`,
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

function summarize(approval: ApprovalRecord): string {
  const text = JSON.stringify(approval.arguments);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describe(approval: ApprovalRecord): string {
  const rows: Array<[string, string | null]> = [
    ["id", approval.id],
    ["tool", approval.tool],
    ["status", approval.status],
    ["arguments", JSON.stringify(approval.arguments)],
    ["requested by", `${approval.requester.caller}${approval.requester.clientName ? ` (${approval.requester.clientName})` : ""}`],
    ["created", approval.createdAt],
    ["expires", approval.expiresAt],
    ["decided", approval.decidedAt ? `${approval.decidedAt} by ${approval.decidedBy}` : null],
    ["note", approval.decisionNote],
    ["executed by", approval.executor ? `pid ${approval.executor.pid} on ${approval.executor.host}` : null],
    ["finished", approval.finishedAt],
    ["error", approval.error],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== null)
    .map(([key, value]) => `${key.padEnd(13)}${value}`)
    .join("\n");
}
