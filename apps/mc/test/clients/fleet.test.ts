// Three hosts (separate state dirs and MC_HOST_IDs) and an operator on one PostgreSQL
// database (tooling/postgres-harness), through the real `mc` (subprocesses of packages/cli/bin/mc.js).
// Config writes only: no systemd needed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestPostgres, type PostgresServer } from "@mc/postgres-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runMc, tempDir } from "./support.js";

const HOSTS = ["web-1", "web-2", "db-1"] as const;
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

interface Approval {
  id: string;
  host: string | null;
  status: string;
  executor: { host: string } | null;
}

describe("a fleet on one PostgreSQL database, through the real mc", () => {
  it("should show each host's request to an operator with its host, approve it there, refuse it on another host, run it once among 4 racing processes, and keep every chain valid", async (context) => {
    if (server === undefined) {
      context.skip(unavailable);
      return;
    }
    const databaseUrl = await server.createDatabase("fleet_e2e");
    const dir = tempDir("mc-fleet-");
    const configs = join(dir, "configs");
    mkdirSync(configs);
    const policy = join(dir, "policy.toml");
    writeFileSync(
      policy,
      `version = 1\n\n[[config_targets]]\nname = "app"\nroots = [${JSON.stringify(configs)}]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n`,
    );
    const envOf = (host: string) =>
      childEnv({ MC_STATE_DIR: join(dir, `state-${host}`), MC_POLICY_PATH: policy, MC_DB_URL: databaseUrl, MC_HOST_ID: host, HOME: dir });
    const operator = envOf("ops-laptop");
    const callOf = (host: string, approvalId?: string) => [
      "tool",
      "write_config_file",
      "--json",
      "--json-args",
      JSON.stringify({
        path: join(configs, `${host}.ini`),
        content: `[main]\nhost = ${host}\n`,
        target: "app",
        ...(approvalId === undefined ? {} : { approval_id: approvalId }),
      }),
    ];

    // Each host asks; nothing is written yet.
    const ids = new Map<string, string>();
    for (const host of HOSTS) {
      const asked = await runMc(callOf(host), envOf(host));
      expect(asked.exitCode, asked.stderr).toBe(3);
      ids.set(host, (JSON.parse(asked.stdout) as { approval_id: string }).approval_id);
    }

    // The operator, on its own machine (own state dir, no tools run), sees all three with their hosts.
    const listed = await runMc(["approvals", "list", "--status", "pending", "--json"], operator);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const approvals = (JSON.parse(listed.stdout) as { approvals: Approval[] }).approvals;
    expect(approvals.map((approval) => [approval.host, approval.id]).sort()).toStrictEqual(HOSTS.map((host) => [host, ids.get(host)]).sort());
    const table = await runMc(["approvals", "list"], operator);
    for (const host of HOSTS) expect(table.stdout).toMatch(new RegExp(`${ids.get(host)}\\s+${host}\\s+pending`));
    const onlyWeb2 = JSON.parse((await runMc(["approvals", "list", "--host", "web-2", "--json"], operator)).stdout) as { approvals: Approval[] };
    expect(onlyWeb2.approvals.map((approval) => approval.id)).toStrictEqual([ids.get("web-2")]);
    const shown = await runMc(["approvals", "show", ids.get("db-1")!], operator);
    expect(shown.stdout).toMatch(/host\s+db-1/);
    for (const host of HOSTS) {
      const approved = await runMc(["approvals", "approve", ids.get(host)!, "--yes", "--note", `fleet ${host}`], operator);
      expect(approved.exitCode, approved.stderr).toBe(0);
    }

    // web-2 repeating web-1's exact call with web-1's approval is refused, and nothing is written.
    const stolen = await runMc(callOf("web-1", ids.get("web-1")), envOf("web-2"));
    expect(stolen.exitCode).not.toBe(0);
    expect(`${stolen.stdout}${stolen.stderr}`).toContain(`belongs to host \\"web-1\\"`);
    expect(() => readFileSync(join(configs, "web-1.ini"))).toThrow(/ENOENT/);

    // 4 processes of each host race to run their host's approved call: one runs, three are refused.
    const races = await Promise.all(
      HOSTS.flatMap((host) => Array.from({ length: 4 }, async () => ({ host, result: await runMc(callOf(host, ids.get(host)), envOf(host)) }))),
    );
    for (const host of HOSTS) {
      const mine = races.filter((race) => race.host === host).map((race) => race.result);
      expect(
        mine.filter((result) => result.exitCode === 0),
        JSON.stringify(mine),
      ).toHaveLength(1);
      expect(mine.filter((result) => result.exitCode !== 0 && result.stdout.includes("already used"))).toHaveLength(3);
      expect(readFileSync(join(configs, `${host}.ini`), "utf8")).toBe(`[main]\nhost = ${host}\n`);
      const approval = (JSON.parse((await runMc(["approvals", "show", ids.get(host)!, "--json"], operator)).stdout) as { approval: Approval }).approval;
      expect({ status: approval.status, executor: approval.executor?.host }).toStrictEqual({ status: "completed", executor: host });
    }

    // Concurrent calls on two hosts: both chains stay valid, and the operator verifies each or all.
    await Promise.all(["web-1", "web-2"].flatMap((host) => Array.from({ length: 4 }, () => runMc(["tool", "memory_usage", "--json"], envOf(host)))));
    for (const host of ["web-1", "web-2"]) {
      const verified = await runMc(["audit", "verify", "--host", host, "--json"], operator);
      expect(verified.exitCode, verified.stderr).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problems: [] });
      const events = (
        JSON.parse((await runMc(["audit", "list", "--host", host, "--limit", "1000", "--json"], operator)).stdout) as {
          events: Array<{ host: string; seq: number }>;
        }
      ).events;
      expect(new Set(events.map((event) => event.host))).toStrictEqual(new Set([host]));
      expect(events.map((event) => event.seq).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: events.length }, (_, index) => index + 1));
    }
    const all = await runMc(["audit", "verify", "--json"], operator);
    expect(all.exitCode, all.stderr).toBe(0);
    const listedAudit = await runMc(["audit", "list", "--limit", "5"], operator);
    expect(listedAudit.stdout).toMatch(/^(web-1|web-2|db-1)\s/m);
  });

  it("should fail closed when the database is unreachable: no tool runs, nothing is written, and the password is not shown", async (context) => {
    if (server === undefined) {
      context.skip(unavailable);
      return;
    }
    const databaseUrl = await server.createDatabase("fleet_down");
    const dir = tempDir("mc-fleet-down-");
    const configs = join(dir, "configs");
    mkdirSync(configs);
    const target = join(configs, "app.ini");
    writeFileSync(target, "[main]\nport = 1\n");
    const policy = join(dir, "policy.toml");
    writeFileSync(
      policy,
      `version = 1\n\n[[config_targets]]\nname = "app"\nroots = [${JSON.stringify(configs)}]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n`,
    );
    const withPassword = databaseUrl.replace("//postgres@", "//postgres:s3cret-pw@");
    const env = childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: policy, MC_DB_URL: withPassword, MC_HOST_ID: "web-1", HOME: dir });
    const operator = childEnv({ MC_STATE_DIR: join(dir, "ops"), MC_DB_URL: withPassword, MC_HOST_ID: "ops", HOME: dir });
    const args = { path: target, content: "[main]\nport = 2\n", target: "app" };
    // Asked and approved while the database is up.
    const asked = await runMc(["tool", "write_config_file", "--json", "--json-args", JSON.stringify(args)], env);
    expect(asked.exitCode, asked.stdout + asked.stderr).toBe(3);
    const id = (JSON.parse(asked.stdout) as { approval_id: string }).approval_id;
    expect((await runMc(["approvals", "approve", id, "--yes"], operator)).exitCode).toBe(0);
    // Down: the approved write cannot record its claim and started event, so it does not run.
    await server.psql("postgres", "ALTER DATABASE fleet_down ALLOW_CONNECTIONS false");
    await server.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'fleet_down'");
    const write = ["tool", "write_config_file", "--json", "--json-args", JSON.stringify({ ...args, approval_id: id })];
    for (const args of [write, ["tool", "memory_usage", "--json"]]) {
      const down = await runMc(args, env);
      expect(down.exitCode).not.toBe(0);
      expect(JSON.parse(down.stdout)).toMatchObject({ ok: false, code: "internal_error" });
      expect(`${down.stdout}${down.stderr}`).not.toContain("s3cret-pw");
    }
    expect(readFileSync(target, "utf8")).toBe("[main]\nport = 1\n");
    const doctor = await runMc(["doctor", "--json"], env);
    expect(doctor.exitCode).not.toBe(0);
    expect(doctor.stdout).not.toContain("s3cret-pw");
  });
});
