import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ApprovalStore } from "../src/approval-store.js";
import { backendUnavailable, PACKAGE_DIR, tempDirectory, testDatabase } from "../src/test-support.js";

const HOSTS = ["web-1", "web-2", "db-1"] as const;
const RACERS_PER_HOST = 4;
const ARGS = { unit: "app.service", scope: "system" };
const unavailable = backendUnavailable("postgres");

function worker(name: string, args: string[], hostId: string) {
  return execa(process.execPath, [join(PACKAGE_DIR, "test", "fixtures", name), ...args], { cwd: PACKAGE_DIR, env: { MC_HOST_ID: hostId } });
}

/** Runs one statement as a given role of the test server (trust authentication: no password). */
async function asRole(url: string, role: string, sql: string, args: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url.replace("//postgres@", `//${encodeURIComponent(role)}@`) });
  await client.connect();
  try {
    return await client.query(sql, args);
  } finally {
    await client.end();
  }
}

describe.skipIf(unavailable !== undefined)("a fleet of hosts on one PostgreSQL database", () => {
  it("should show every host's request to an operator, run each only on its host, once among 4 racing processes, and keep each host's chain valid", async () => {
    const database = await testDatabase("postgres");
    const stores = new Map<string, ApprovalStore>();
    for (const host of HOSTS) stores.set(host, await database.open({ hostId: host }));
    const operator = await database.open({ hostId: "ops-laptop" });

    // The same call asked on three hosts is three requests, one per host.
    const ids = new Map<string, string>();
    for (const host of HOSTS) {
      const { created, approval } = await stores
        .get(host)!
        .requestApproval({ tool: "restart_service", arguments: ARGS, requester: { caller: "mcp", clientName: `agent-${host}` } });
      expect({ created, host: approval.host, status: approval.status }).toStrictEqual({ created: true, host, status: "pending" });
      ids.set(host, approval.id);
    }
    expect(new Set(ids.values()).size).toBe(HOSTS.length);

    // The operator sees every host's request, with its host, and filters by host.
    const listed = await operator.list({ status: "pending" });
    expect(listed.map((approval) => [approval.host, approval.id]).sort()).toStrictEqual(HOSTS.map((host) => [host, ids.get(host)]).sort());
    expect((await operator.list({ host: "web-2" })).map((approval) => approval.id)).toStrictEqual([ids.get("web-2")]);
    for (const host of HOSTS) await operator.approve(ids.get(host)!, { approver: "alice", via: "mc approvals approve" });

    // Another host presenting the id is refused, with the reason, and the approval stays approved.
    const stolen = await stores.get("web-2")!.claim({ id: ids.get("web-1")!, tool: "restart_service", arguments: ARGS });
    expect(stolen).toStrictEqual({
      claimed: false,
      refusal: "other_host",
      message: `Approval ${ids.get("web-1")} belongs to host "web-1"; only mc on that host may run it (this is "web-2").`,
    });
    expect((await operator.require(ids.get("web-1")!)).status).toBe("approved");

    // 4 processes per host race for all three approvals at once.
    const directory = tempDirectory();
    const requestsPath = join(directory, "requests.json");
    const executionsPath = join(directory, "executions.log");
    writeFileSync(requestsPath, JSON.stringify(HOSTS.map((host) => ({ id: ids.get(host), arguments: ARGS }))));
    writeFileSync(executionsPath, "");
    const startAt = String(Date.now() + 4000);
    const racers = HOSTS.flatMap((host) =>
      Array.from({ length: RACERS_PER_HOST }, () => ({
        host,
        run: worker("claim-worker.mjs", [database.location, requestsPath, executionsPath, startAt], host),
      })),
    );
    const reports = await Promise.all(
      racers.map(async (racer) => ({
        host: racer.host,
        ...(JSON.parse((await racer.run).stdout) as { pid: number; claimed: string[]; refusals: Record<string, number> }),
      })),
    );
    const wins = reports.flatMap((report) => report.claimed.map((id) => ({ id, host: report.host })));
    const refusals = reports.reduce<Record<string, number>>((sum, report) => {
      for (const [refusal, count] of Object.entries(report.refusals)) sum[refusal] = (sum[refusal] ?? 0) + count;
      return sum;
    }, {});
    const executions = readFileSync(executionsPath, "utf8").trim().split("\n");
    console.log(`fleet: ${reports.length} processes on ${HOSTS.length} hosts, wins ${JSON.stringify(wins)}, refusals ${JSON.stringify(refusals)}`);
    expect(wins.sort((left, right) => left.host.localeCompare(right.host))).toStrictEqual(
      HOSTS.map((host) => ({ id: ids.get(host), host })).sort((left, right) => left.host.localeCompare(right.host)),
    );
    expect(executions).toHaveLength(HOSTS.length);
    expect(refusals).toStrictEqual({ other_host: HOSTS.length * RACERS_PER_HOST * (HOSTS.length - 1), already_used: HOSTS.length * (RACERS_PER_HOST - 1) });

    // Finalized, on the right host; every chain holds its host's story and verifies.
    for (const host of HOSTS) {
      const approval = await operator.require(ids.get(host)!);
      expect({ status: approval.status, executor: approval.executor?.host }).toStrictEqual({ status: "completed", executor: host });
      const events = await operator.listAudit({ host });
      expect(events.every((event) => event.host === host)).toBe(true);
      expect(events.map((event) => event.decision).reverse()).toStrictEqual(["approved"]);
      expect(events[0]?.reason).toBe("approved by alice via mc approvals approve");
      expect(await operator.verifyAudit({ host })).toStrictEqual({ ok: true, checked: events.length, problems: [] });
    }
    expect(await operator.verifyAudit()).toStrictEqual({ ok: true, checked: HOSTS.length, problems: [] });
    expect(await operator.listAudit({ host: "ops-laptop" })).toStrictEqual([]);
  });

  it("should keep both hosts' chains valid when both append concurrently from several processes, and name the host of a problem", async () => {
    const database = await testDatabase("postgres");
    const store = await database.open({ hostId: "ops" });
    const startAt = String(Date.now() + 3000);
    const appenders = ["web-1", "web-1", "web-2", "web-2"].map((host) => worker("audit-worker.mjs", [database.location, "50", startAt], host));
    await Promise.all(appenders);
    for (const host of ["web-1", "web-2"]) {
      const events = await store.listAudit({ host, limit: 1000 });
      expect(events.map((event) => event.seq).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 100 }, (_, index) => index + 1));
      expect(await store.verifyAudit({ host })).toStrictEqual({ ok: true, checked: 100, problems: [] });
    }
    expect(await store.verifyAudit()).toStrictEqual({ ok: true, checked: 200, problems: [] });
    await database.raw("DELETE FROM audit_events WHERE host = 'web-2' AND seq = 7");
    expect(await store.verifyAudit()).toStrictEqual({ ok: false, checked: 199, problems: [{ host: "web-2", seq: 7, problem: "missing row" }] });
    expect((await store.verifyAudit({ host: "web-1" })).ok).toBe(true);
  });

  it("should give hosts and operators only their rights: hosts ask, run their own and append; operators decide; nobody edits the journal", async () => {
    const database = await testDatabase("postgres");
    const owner = await database.open({ hostId: "owner" });
    const url = "url" in database.target ? database.target.url : "";
    const name = url.slice(url.lastIndexOf("/") + 1);
    const roleSql = readFileSync(join(PACKAGE_DIR, "sql", "postgres-roles.sql"), "utf8");
    // Roles are the server's, not the database's: each run of this test names its own.
    const suffix = name.slice(-6);
    const [hostA, hostB, operatorRole] = [`web-a-${suffix}`, `web-b-${suffix}`, `alice_${suffix}`];
    const ownerClient = new pg.Client({ connectionString: url });
    await ownerClient.connect();
    onTestFinished(() => ownerClient.end());
    await ownerClient.query(roleSql.replaceAll("mc_host", `mc_host_${suffix}`).replaceAll("mc_operator", `mc_operator_${suffix}`));
    await ownerClient.query(
      `CREATE ROLE "${hostA}" LOGIN IN ROLE mc_host_${suffix}; CREATE ROLE "${hostB}" LOGIN IN ROLE mc_host_${suffix}; CREATE ROLE ${operatorRole} LOGIN IN ROLE mc_operator_${suffix}`,
    );
    const urlAs = (role: string) => url.replace("//postgres@", `//${encodeURIComponent(role)}@`);
    const { openStore } = await import("../src/open-store.js");
    const open = async (role: string, hostId: string) => {
      const store = await openStore({ url: urlAs(role), hostId });
      onTestFinished(() => store.close());
      return store;
    };
    const a = await open(hostA, hostA);
    const b = await open(hostB, hostB);
    const alice = await open(operatorRole, "ops");

    const { approval } = await a.requestApproval({ tool: "restart_service", arguments: ARGS, requester: { caller: "mcp", clientName: "agent" } });
    await b.requestApproval({ tool: "restart_service", arguments: ARGS, requester: { caller: "mcp", clientName: "agent" } });
    await a.appendAudit({ caller: "mcp", tool: "service_status", arguments: {}, decision: "allowed", outcome: "ok" });

    // A host sees only its own rows, and cannot decide, skip approval, or touch the journal.
    expect((await a.list()).map((row) => row.host)).toStrictEqual([hostA]);
    await expect(a.approve(approval.id, { approver: "the host itself" })).rejects.toThrow(/permission denied|may not/);
    await expect(asRole(url, hostA, "UPDATE approvals SET status = 'executing' WHERE id = $1", [approval.id])).rejects.toThrow(
      /may not move an approval from pending to executing/,
    );
    await expect(
      asRole(
        url,
        hostA,
        "INSERT INTO approvals (id, host, tool, arguments, request_hash, requester_caller, status, created_at, expires_at) VALUES ('apr_x', $1, 't', '{}', 'h', 'mcp', 'approved', 0, 9999999999999)",
        [hostA],
      ),
    ).rejects.toThrow(/may only ask for approval/);
    await expect(asRole(url, hostA, "UPDATE audit_events SET tool = 'edited'")).rejects.toThrow(/permission denied/);
    await expect(asRole(url, hostA, "DELETE FROM audit_events")).rejects.toThrow(/permission denied/);
    await expect(
      asRole(
        url,
        hostA,
        "INSERT INTO audit_events (host, seq, time, caller, tool, arguments, decision, outcome, prev_hash, hash) VALUES ($1, 99, 't', 'mcp', 't', '{}', 'allowed', 'ok', 'x', 'y')",
        [hostB],
      ),
    ).rejects.toThrow(/row-level security/);

    // The operator sees every host, decides, and cannot run anything or edit the journal.
    expect((await alice.list()).map((row) => row.host).sort()).toStrictEqual([hostA, hostB].sort());
    await alice.approve(approval.id, { approver: operatorRole, via: "mc approvals approve" });
    expect(await alice.claim({ id: approval.id, tool: "restart_service", arguments: ARGS })).toMatchObject({ claimed: false, refusal: "other_host" });
    // Even claiming under the host's id: an operator's role has no right to the executor columns.
    const impersonating = await open(operatorRole, hostA);
    await expect(impersonating.claim({ id: approval.id, tool: "restart_service", arguments: ARGS })).rejects.toThrow(/permission denied for table approvals/);
    await expect(asRole(url, operatorRole, "DELETE FROM audit_events")).rejects.toThrow(/permission denied/);
    await expect(asRole(url, operatorRole, "DELETE FROM approvals")).rejects.toThrow(/permission denied/);

    // The host runs its approved request; the owner itself cannot rewrite the journal either.
    expect(await a.claim({ id: approval.id, tool: "restart_service", arguments: ARGS, started: { caller: "mcp" } })).toMatchObject({ claimed: true });
    expect((await a.finalize(approval.id, { ok: true })).status).toBe("completed");
    await expect(ownerClient.query("UPDATE audit_events SET tool = 'edited'")).rejects.toThrow(/append-only/);
    await expect(ownerClient.query("TRUNCATE audit_events")).rejects.toThrow(/append-only/);
    expect(await alice.verifyAudit()).toMatchObject({ ok: true, problems: [] });
    expect((await a.listAudit()).map((event) => `${event.decision}/${event.outcome}`)).toStrictEqual(["allowed/started", "approved/ok", "allowed/ok"]);
    expect(owner.host).toBe("owner");
  });

  it("should fail closed, with the password redacted, when the database cannot be reached or goes away", async () => {
    const { openStore } = await import("../src/open-store.js");
    const { createServer } = await import("node:net");
    // A port nothing listens on: bind one, note it, close it.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
      });
    });
    const refused = openStore({ url: `postgres://mc:s3cret@127.0.0.1:${port}/mc?sslpassword=hunter2`, hostId: "web-1" });
    await expect(refused).rejects.toMatchObject({ code: "store_failed" });
    await expect(refused).rejects.toThrow(new RegExp(`Cannot reach the database postgres://…@127\\.0\\.0\\.1:${port}/mc\\?sslpassword=…: .*ECONNREFUSED`));
    await expect(refused).rejects.not.toThrow(/s3cret|hunter2/);

    // A store whose connections the server drops: the next operation fails with store_failed, not a run.
    const database = await testDatabase("postgres");
    const store = await database.open({ hostId: "web-1" });
    const { approval } = await store.requestApproval({ tool: "restart_service", arguments: ARGS, requester: { caller: "mcp", clientName: null } });
    const name = database.location.slice(database.location.lastIndexOf("/") + 1);
    const admin = database.location.slice(0, database.location.lastIndexOf("/")) + "/postgres";
    await asRole(admin, "postgres", `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await asRole(admin, "postgres", `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    await expect(store.claim({ id: approval.id, tool: "restart_service", arguments: ARGS })).rejects.toMatchObject({ code: "store_failed" });
  });
});
