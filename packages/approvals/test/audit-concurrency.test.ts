import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendUnavailable, BACKENDS, PACKAGE_DIR, testDatabase } from "../src/test-support.js";

const WORKERS = 4;
const EVENTS = 60;

describe.each(BACKENDS)("audit appends from several processes on the %s store", (backend) => {
  it.skipIf(backendUnavailable(backend) !== undefined)("should keep one valid chain with every event once", async () => {
    const database = await testDatabase(backend);
    await database.open();
    const startAt = String(Date.now() + 3000);
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        execa(process.execPath, [join(PACKAGE_DIR, "test", "fixtures", "audit-worker.mjs"), database.location, String(EVENTS), startAt], { cwd: PACKAGE_DIR }),
      ),
    );
    const reports = results.map((result) => JSON.parse(result.stdout) as { pid: number; busy: number });
    const pids = reports.map((report) => report.pid);
    const store = await database.open();
    const verification = await store.verifyAudit();
    const events = await store.listAudit({ limit: WORKERS * EVENTS + 10 });
    console.log(
      `audit (${backend}): ${WORKERS} processes appended ${events.length} events (${reports.reduce((sum, report) => sum + report.busy, 0)} busy/conflict retries); verify ${JSON.stringify({ ok: verification.ok, checked: verification.checked })}`,
    );
    expect(verification).toStrictEqual({ ok: true, checked: WORKERS * EVENTS, problems: [] });
    expect(events.map((event) => event.seq).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: WORKERS * EVENTS }, (_, index) => index + 1));
    for (const pid of pids) {
      expect(events.filter((event) => event.clientName === `worker-${pid}`)).toHaveLength(EVENTS);
    }
    expect(events.every((event) => event.arguments["token"] === "[redacted]")).toBe(true);
  });
});
