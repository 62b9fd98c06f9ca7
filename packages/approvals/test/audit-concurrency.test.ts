import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/open-store.js";
import { PACKAGE_DIR, tempDirectory } from "../src/test-support.js";

const WORKERS = 4;
const EVENTS = 60;

describe("audit appends from several processes", () => {
  it("should keep one valid chain with every event once", async () => {
    const databasePath = join(tempDirectory(), "mc.sqlite3");
    (await openStore({ path: databasePath })).close();
    const startAt = String(Date.now() + 3000);
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        execa(process.execPath, [join(PACKAGE_DIR, "test", "fixtures", "audit-worker.mjs"), databasePath, String(EVENTS), startAt], { cwd: PACKAGE_DIR }),
      ),
    );
    const reports = results.map((result) => JSON.parse(result.stdout) as { pid: number; busy: number });
    const pids = reports.map((report) => report.pid);
    const store = await openStore({ path: databasePath });
    const verification = await store.verifyAudit();
    const events = await store.listAudit({ limit: WORKERS * EVENTS + 10 });
    store.close();
    console.log(`audit: ${WORKERS} processes appended ${events.length} events (${reports.reduce((sum, report) => sum + report.busy, 0)} SQLITE_BUSY reconnects); verify ${JSON.stringify({ ok: verification.ok, checked: verification.checked })}`);
    expect(verification).toStrictEqual({ ok: true, checked: WORKERS * EVENTS, problems: [] });
    expect(events.map((event) => event.seq).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: WORKERS * EVENTS }, (_, index) => index + 1));
    for (const pid of pids) {
      expect(events.filter((event) => event.clientName === `worker-${pid}`)).toHaveLength(EVENTS);
    }
    expect(events.every((event) => event.arguments["token"] === "[redacted]")).toBe(true);
  });
});
