// Red team: the fleet store's least-privilege roles (packages/approvals/sql/postgres-roles.sql)
// on a real PostgreSQL (tooling/postgres-harness). mc itself creates the schema (`mc doctor` as
// the owner) and then runs under the host and operator roles through the real CLI; each attack is
// one SQL statement as a host, an operator or the owner (psql, `SET ROLE`). An attack succeeds
// when any row of approvals, audit_events or audit_head changed, or another host's row was read.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestPostgres, type PostgresServer } from "@mc/postgres-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";
import { childEnv, REPO_ROOT, runMc, tempDir } from "../clients/support.js";

let server: PostgresServer | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  const started = await startTestPostgres();
  if ("available" in started) {
    unavailable = started.reason;
  } else {
    server = started;
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const tally = attackClass("fleet roles (host/operator/owner against approvals and the audit journal)");

describe("fleet store roles", () => {
  it("should keep every row unchanged and every other host's row unread, whatever a host, an operator or the owner tries", async (context) => {
    if (server === undefined) {
      context.skip(unavailable);
      return;
    }
    const pg = server;
    const database = "fleet_roles";
    const url = await pg.createDatabase(database);
    const suffix = String(process.pid);
    const [hostA, hostB, operator] = [`web-a-${suffix}`, `web-b-${suffix}`, `alice_${suffix}`];
    const [hostGroup, operatorGroup] = [`mc_host_${suffix}`, `mc_operator_${suffix}`];
    const urlAs = (role: string) => url.replace("//postgres@", `//${role}@`);
    const dir = tempDir("mc-fleet-roles-");
    const configs = join(dir, "configs");
    mkdirSync(configs);
    const policy = join(dir, "policy.toml");
    writeFileSync(
      policy,
      `version = 1\n\n[[config_targets]]\nname = "app"\nroots = [${JSON.stringify(configs)}]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n`,
    );
    const envAs = (role: string, host: string) =>
      childEnv({ MC_STATE_DIR: join(dir, `state-${host}`), MC_POLICY_PATH: policy, MC_DB_URL: urlAs(role), MC_HOST_ID: host, HOME: dir });
    const write = (host: string, port: number) => [
      "tool",
      "write_config_file",
      "--json",
      "--json-args",
      JSON.stringify({ path: join(configs, `${host}.ini`), content: `[main]\nport = ${port}\n`, target: "app" }),
    ];

    // The owner's mc creates the schema; then the roles file and one login role each.
    const doctor = await runMc(["doctor", "--json"], envAs("postgres", "owner"));
    expect(doctor.stdout).toContain("is open and migrated");
    const rolesSql = readFileSync(join(REPO_ROOT, "packages/approvals/sql/postgres-roles.sql"), "utf8")
      .replaceAll("mc_host", hostGroup)
      .replaceAll("mc_operator", operatorGroup);
    await pg.psql(database, rolesSql);
    await pg.psql(
      database,
      `CREATE ROLE "${hostA}" LOGIN IN ROLE ${hostGroup}; CREATE ROLE "${hostB}" LOGIN IN ROLE ${hostGroup}; CREATE ROLE ${operator} LOGIN IN ROLE ${operatorGroup};`,
    );

    // mc works under the roles: hosts ask, the operator approves one, host A runs it.
    const askedA = JSON.parse((await runMc(write(hostA, 1), envAs(hostA, hostA))).stdout) as { approval_id: string };
    const pendingA = JSON.parse((await runMc(write(hostA, 2), envAs(hostA, hostA))).stdout) as { approval_id: string };
    const pendingB = JSON.parse((await runMc(write(hostB, 3), envAs(hostB, hostB))).stdout) as { approval_id: string };
    const approvedB = JSON.parse((await runMc(write(hostB, 4), envAs(hostB, hostB))).stdout) as { approval_id: string };
    for (const id of [askedA.approval_id, approvedB.approval_id]) {
      const approved = await runMc(["approvals", "approve", id, "--yes"], envAs(operator, "ops"));
      expect(approved.exitCode, approved.stderr).toBe(0);
    }
    const ran = await runMc(
      [
        "tool",
        "write_config_file",
        "--json",
        "--json-args",
        JSON.stringify({ path: join(configs, `${hostA}.ini`), content: "[main]\nport = 1\n", target: "app", approval_id: askedA.approval_id }),
      ],
      envAs(hostA, hostA),
    );
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    // A host cannot approve its own request, even through mc at its own terminal.
    expect((await runMc(["approvals", "approve", pendingA.approval_id, "--yes"], envAs(hostA, hostA))).exitCode).not.toBe(0);

    const fingerprint = () =>
      pg.psql(
        database,
        "SELECT md5(coalesce((SELECT string_agg(a::text, '|' ORDER BY id) FROM approvals a), '') || coalesce((SELECT string_agg(e::text, '|' ORDER BY host, seq) FROM audit_events e), '') || coalesce((SELECT string_agg(h::text, '|' ORDER BY host) FROM audit_head h), ''))",
      );
    const before = await fingerprint();
    const someEvent = `(SELECT seq FROM audit_events WHERE host = '${hostA}' ORDER BY seq LIMIT 1)`;
    const attacks: Array<[role: string, description: string, sql: string]> = [
      [hostA, "approve its own pending request", `UPDATE approvals SET status = 'approved' WHERE id = '${pendingA.approval_id}'`],
      [
        hostA,
        "approve with a decider name",
        `UPDATE approvals SET status = 'approved', decided_by = 'alice', decided_at = 1 WHERE id = '${pendingA.approval_id}'`,
      ],
      [hostA, "skip approval: pending → executing", `UPDATE approvals SET status = 'executing' WHERE id = '${pendingA.approval_id}'`],
      [hostA, "forge a decider on its row", `UPDATE approvals SET decided_by = 'alice' WHERE id = '${pendingA.approval_id}'`],
      [hostA, "re-open its completed approval", `UPDATE approvals SET status = 'approved' WHERE id = '${askedA.approval_id}'`],
      [hostA, "completed → executing to run again", `UPDATE approvals SET status = 'executing' WHERE id = '${askedA.approval_id}'`],
      [hostA, "move its request to host B", `UPDATE approvals SET host = '${hostB}' WHERE id = '${pendingA.approval_id}'`],
      [
        hostA,
        "insert an approved request",
        `INSERT INTO approvals (id, host, tool, arguments, request_hash, requester_caller, status, created_at, expires_at) VALUES ('apr_aaaaaaaaaaaaaaa1', '${hostA}', 'write_config_file', '{}', 'h1', 'mcp', 'approved', 0, 9999999999999)`,
      ],
      [
        hostA,
        "insert an executing request",
        `INSERT INTO approvals (id, host, tool, arguments, request_hash, requester_caller, status, created_at, expires_at) VALUES ('apr_aaaaaaaaaaaaaaa2', '${hostA}', 'write_config_file', '{}', 'h2', 'mcp', 'executing', 0, 9999999999999)`,
      ],
      [
        hostA,
        "insert a pending request already decided",
        `INSERT INTO approvals (id, host, tool, arguments, request_hash, requester_caller, status, created_at, expires_at, decided_by) VALUES ('apr_aaaaaaaaaaaaaaa3', '${hostA}', 'write_config_file', '{}', 'h3', 'mcp', 'pending', 0, 9999999999999, 'alice')`,
      ],
      [
        hostA,
        "insert a request for host B",
        `INSERT INTO approvals (id, host, tool, arguments, request_hash, requester_caller, status, created_at, expires_at) VALUES ('apr_aaaaaaaaaaaaaaa4', '${hostB}', 'write_config_file', '{}', 'h4', 'mcp', 'pending', 0, 9999999999999)`,
      ],
      [hostA, "claim host B's approved request", `UPDATE approvals SET status = 'executing', executor_host = '${hostA}' WHERE id = '${approvedB.approval_id}'`],
      [hostA, "expire host B's request", `UPDATE approvals SET status = 'expired' WHERE id = '${pendingB.approval_id}'`],
      [hostA, "delete its own approvals", "DELETE FROM approvals"],
      [hostA, "edit an audit event", `UPDATE audit_events SET tool = 'edited' WHERE host = '${hostA}' AND seq = ${someEvent}`],
      [hostA, "delete its audit events", `DELETE FROM audit_events WHERE host = '${hostA}'`],
      [hostA, "truncate the journal", "TRUNCATE audit_events"],
      [
        hostA,
        "append to host B's chain",
        `INSERT INTO audit_events (host, seq, time, caller, tool, arguments, decision, outcome, prev_hash, hash) VALUES ('${hostB}', 999, 't', 'mcp', 't', '{}', 'allowed', 'ok', 'x', 'y')`,
      ],
      [hostA, "rewind host B's head", `UPDATE audit_head SET last_seq = 0 WHERE host = '${hostB}'`],
      [hostA, "delete its head", `DELETE FROM audit_head WHERE host = '${hostA}'`],
      [hostA, "disable the append-only trigger", "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"],
      [hostA, "drop the append-only trigger", "DROP TRIGGER audit_events_append_only ON audit_events"],
      [hostA, "turn off triggers for its session, then delete", `SET session_replication_role = replica; DELETE FROM audit_events`],
      [hostA, "turn off row-level security", "ALTER TABLE approvals DISABLE ROW LEVEL SECURITY"],
      [hostA, "grant itself the operator role", `GRANT ${operatorGroup} TO "${hostA}"`],
      [
        hostA,
        "replace the transition trigger's function",
        "CREATE OR REPLACE FUNCTION mc_approvals_host_transitions() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$",
      ],
      [
        operator,
        "claim a request (executor columns)",
        `UPDATE approvals SET status = 'executing', executor_host = 'ops', executor_pid = 1 WHERE id = '${approvedB.approval_id}'`,
      ],
      [
        operator,
        "insert a request",
        `INSERT INTO approvals (id, host, tool, arguments, request_hash, requester_caller, status, created_at, expires_at) VALUES ('apr_aaaaaaaaaaaaaaa5', '${hostA}', 't', '{}', 'h5', 'mcp', 'approved', 0, 9999999999999)`,
      ],
      [operator, "delete approvals", "DELETE FROM approvals"],
      [operator, "edit an audit event", "UPDATE audit_events SET tool = 'edited'"],
      [operator, "delete audit events", "DELETE FROM audit_events"],
      [operator, "truncate the journal", "TRUNCATE audit_events"],
      [operator, "drop the append-only trigger", "DROP TRIGGER audit_events_append_only ON audit_events"],
      ["postgres", "owner edits an audit event", "UPDATE audit_events SET tool = 'edited'"],
      ["postgres", "owner deletes audit events", "DELETE FROM audit_events"],
      ["postgres", "owner truncates the journal", "TRUNCATE audit_events"],
    ];
    for (const [role, description, statement] of attacks) {
      let refused = "";
      try {
        await pg.psql(database, `SET ROLE "${role}"; ${statement}`);
      } catch (error) {
        refused = (error as Error).message.split("\n")[0] ?? "";
      }
      const after = await fingerprint();
      tally.record(after !== before, `${role}: ${description} (${refused || "accepted"})`);
      if (after !== before) break; // later cases would compare against a changed database
    }
    // Reading: a host sees none of host B's rows.
    for (const table of ["approvals", "audit_events", "audit_head"]) {
      const leaked = await pg.psql(database, `SET ROLE "${hostA}"; SELECT count(*) FROM ${table} WHERE host <> '${hostA}'`);
      tally.record(leaked.trim() !== "0", `${hostA} read ${leaked.trim()} rows of other hosts in ${table}`);
    }
    const verified = await runMc(["audit", "verify", "--json"], envAs(operator, "ops"));
    tally.record(verified.exitCode !== 0, `audit verify after the attacks: ${verified.stdout}`);
    expect(tally.failures).toStrictEqual([]);
  });
});
