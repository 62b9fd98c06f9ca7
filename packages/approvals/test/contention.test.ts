import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendUnavailable, BACKENDS, PACKAGE_DIR, tempDirectory, testDatabase } from "../src/test-support.js";

const WORKERS = 5;
const APPROVALS = 240;

function worker(name: string, args: string[]) {
  return execa(process.execPath, [join(PACKAGE_DIR, "test", "fixtures", name), ...args], { cwd: PACKAGE_DIR });
}

describe.each(BACKENDS)("claims across processes on the %s store", (backend) => {
  const unavailable = backendUnavailable(backend);

  it.skipIf(unavailable !== undefined)(`should let exactly one of ${WORKERS} racing processes claim and execute each approval`, async () => {
    const directory = tempDirectory();
    const database = await testDatabase(backend);
    const store = await database.open();
    const requests: { id: string; arguments: Record<string, unknown> }[] = [];
    for (let index = 0; index < APPROVALS; index += 1) {
      const args = { unit: `app-${index}.service`, scope: "system" };
      const { approval } = await store.requestApproval({ tool: "restart_service", arguments: args, requester: { caller: "mcp", clientName: "racer" } });
      await store.approve(approval.id, { approver: "alice" });
      requests.push({ id: approval.id, arguments: args });
    }
    const requestsPath = join(directory, "requests.json");
    const executionsPath = join(directory, "executions.log");
    writeFileSync(requestsPath, JSON.stringify(requests));
    writeFileSync(executionsPath, "");

    const startAt = String(Date.now() + 3000);
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () => worker("claim-worker.mjs", [database.location, requestsPath, executionsPath, startAt])),
    );
    const reports = results.map(
      (result) => JSON.parse(result.stdout) as { pid: number; busy: number; attempted: number; claimed: string[]; refusals: Record<string, number> },
    );

    const attempted = reports.reduce((sum, report) => sum + report.attempted, 0);
    const claimed = reports.flatMap((report) => report.claimed);
    const executions = readFileSync(executionsPath, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" ")[0]);
    const byStatus = Object.fromEntries(["completed", "executing", "approved", "failed"].map((status) => [status, 0])) as Record<string, number>;
    for (const approval of await store.list({ limit: APPROVALS * 2 })) {
      byStatus[approval.status] = (byStatus[approval.status] ?? 0) + 1;
    }
    console.log(
      `contention (${backend}): ${WORKERS} processes, ${attempted} claims attempted, ${claimed.length} won, ` +
        `${executions.length} executions (${new Set(executions).size} distinct), ` +
        `${reports.reduce((sum, report) => sum + report.busy, 0)} busy/conflict retries, per process ` +
        reports.map((report) => `${report.pid}: ${report.claimed.length} won ${JSON.stringify(report.refusals)}`).join("; ") +
        `; final states ${JSON.stringify(byStatus)}`,
    );

    expect(attempted).toBeGreaterThanOrEqual(1000);
    expect(claimed).toHaveLength(APPROVALS);
    expect(new Set(claimed).size).toBe(APPROVALS);
    expect(executions).toHaveLength(APPROVALS);
    expect(new Set(executions).size).toBe(APPROVALS);
    expect(byStatus).toStrictEqual({ completed: APPROVALS, executing: 0, approved: 0, failed: 0 });
    for (const report of reports) {
      expect(Object.keys(report.refusals).filter((refusal) => refusal !== "already_used")).toStrictEqual([]);
    }
  });

  it.skipIf(unavailable !== undefined)(
    "should migrate a new database opened by several processes at once and create one approval for one request",
    async () => {
      const database = await testDatabase(backend);
      const startAt = String(Date.now() + 3000);
      const results = await Promise.all(Array.from({ length: 6 }, () => worker("request-worker.mjs", [database.location, startAt])));
      const reports = results.map((result) => JSON.parse(result.stdout) as { created: boolean; id: string });
      console.log(`concurrent open (${backend}): ${reports.filter((report) => report.created).length} created, ${reports.length} processes`);
      expect(reports.filter((report) => report.created)).toHaveLength(1);
      expect(new Set(reports.map((report) => report.id)).size).toBe(1);
      const store = await database.open();
      expect(await store.list()).toHaveLength(1);
    },
  );
});
