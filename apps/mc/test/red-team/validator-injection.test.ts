// Red team: content no human approved must never reach a command validator
// running as root. Each payload goes through the real runtime (createRuntime with the harness's
// exec.sh as command prefix, so validators run inside the container's real systemd userland),
// both as a dry run (exempt from approval where validators run confined) and as a plain write
// request (checked before it is queued). Two targets:
//   - `units_legacy`: the OLD, dangerous validator `systemd-analyze verify {path}` (no --man=no),
//     so `man` really runs for each Documentation= entry: its options/`$IFS`/backticks payloads
//     get their chance to execute — any file they manage to create must not be root's;
//   - `canary`: an operator validator that records `id -u` and the network interfaces it sees,
//     then runs the content as a shell script (the worst validator an operator could pick).
// A case breaks when anything ran as uid 0 (a root-owned file appears, the canary records uid
// 0), a validator saw a network interface other than loopback, or a dry run needed approval.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@mc/runtime";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";

const harness = await harnessForTests();
const tally = attackClass("validator injection");

/** Shell command variants that create `marker` (and record who ran them). */
function commands(marker: string): string[] {
  return [`touch ${marker}`, `touch\${IFS}${marker}`, `\`touch ${marker}\``, `$(touch ${marker})`, `id -u>${marker}`];
}

/** Payload templates: unit-file and config shapes that have carried command injection into validators. */
const TEMPLATES: ((command: string, marker: string) => string)[] = [
  (c) => `[Unit]\nDocumentation=man:/etc/hostname(-lH${c.replaceAll(" ", "$IFS")})\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Unit]\nDocumentation=man:-H${c}\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Unit]\nDocumentation=man:foo(8 -H ${c})\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Unit]\nDocumentation=man:${c}\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Unit]\nDocumentation=man:/etc/hostname(-l --html=${c})\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Unit]\nDocumentation=man:-P${c.replaceAll(" ", "$IFS")} man:true\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Unit]\nDocumentation=http://example.invalid/$(${c}) file:/etc/$(${c}) info:x;${c}\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Service]\nExecStart=/bin/sh -c '${c}'\n`,
  (c) => `[Service]\nExecStartPre=/bin/sh -c "${c}"\nExecStart=/bin/true\n`,
  (c) => `[Service]\nEnvironment="X=$(${c})"\nExecStart=/bin/echo $X\n`,
  (c, m) => `.include ${m}\n[Service]\nExecStart=/bin/true\n# ${c}\n`,
  (c, m) => `[Unit]\nRequires=../../../..${m}.service\nDropInPaths=${m}.d\n[Service]\nExecStart=/bin/true\n#${c}\n`,
  (c) => `load_module /tmp/evil.so;\ninclude /etc/shadow;\n${c}\n`,
  (c) => `${c}\n`,
  (c) => `;${c};\n|${c}\n&& ${c}\n`,
  (c) => `[Unit]\nDescription=${"A".repeat(60_000)}\nDocumentation=man:-H${c}\n[Service]\nExecStart=/bin/true\n${c}\n`,
  (c) => `[Unit]\nDocumentation=man:x\\n-H${c}\n[Service]\nExecStart=/bin/true\r\n${c}\r\n`,
  (c) => `[Unit]\nOnFailure=$(${c}).service\nConditionPathExists=|\`${c}\`\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=$(${c}).target\nAlias=\`${c}\`.service\n`,
  (c) => `[Unit]\nDocumentation=man:systemd(1) man:-lH${c.replaceAll(" ", "$IFS")} man:--pager=${c.replaceAll(" ", "$IFS")}\n[Service]\nExecStart=/bin/true\n`,
  (c) => `[Service]\nType=oneshot\nExecStart=/usr/bin/env ${c}\nUser=root\nAmbientCapabilities=CAP_SYS_ADMIN\n`,
];

describe.skipIf(!harness.available)("validator injection: unapproved content never reaches a root validator", () => {
  let box: string;
  let record: string;
  let runtime: Runtime;
  const caller = { caller: { kind: "embedded" as const, name: "red-team-validator-injection" } };
  const previousTmp = process.env.TMPDIR;

  beforeAll(async () => {
    if (!harness.available) return;
    await mkdir(harness.sharePath, { recursive: true });
    // Everything lives under the share, mounted at the same path inside the container.
    box = await mkdtemp(join(harness.sharePath, "red-team-validator-"));
    await chmod(box, 0o755);
    record = join(box, "record");
    await mkdir(record);
    await chmod(record, 0o777);
    const scratch = join(box, "scratch");
    await mkdir(scratch);
    await chmod(scratch, 0o755);
    // Validation copies go to the temp dir; it must be visible inside the container.
    process.env.TMPDIR = scratch;
    const units = join(box, "units");
    const canaryRoot = join(box, "canary");
    await mkdir(units);
    await mkdir(canaryRoot);
    const canary = join(box, "canary-validator");
    await writeFile(
      canary,
      [
        "#!/bin/sh",
        // Unique names: $$ is the same in every run (each gets a fresh PID namespace).
        `r=$(mktemp -u "${record}/run-XXXXXXXXXX")`,
        'id -u > "$r.uid"',
        `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' , > "$r.net"`,
        // The worst validator: it executes the content.
        'sh "$1" >/dev/null 2>&1 </dev/null',
        "exit 0",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const state = join(box, "state");
    await mkdir(state);
    await writeFile(
      join(state, "policy.toml"),
      [
        "version = 1",
        "[[config_targets]]",
        'name = "units_legacy"',
        'description = "systemd units checked by the pre-fix validator, man pages and all"',
        `roots = [${JSON.stringify(units)}]`,
        'file_globs = ["*.service"]',
        'validator = "command"',
        'validator_command = ["systemd-analyze", "verify", "{path}"]',
        "[[config_targets]]",
        'name = "canary"',
        'description = "an operator validator that runs the content"',
        `roots = [${JSON.stringify(canaryRoot)}]`,
        'file_globs = ["*.service"]',
        'validator = "command"',
        `validator_command = [${JSON.stringify(canary)}, "{path}"]`,
        "",
      ].join("\n"),
    );
    runtime = createRuntime({ stateDir: state, policyPath: join(state, "policy.toml"), commandPrefix: harness.prefix, env: {} });
  });

  afterAll(async () => {
    await runtime?.close();
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    if (box !== undefined) await rm(box, { recursive: true, force: true });
  });

  /** Files under the record dir: owner uid and, for canary runs, what they recorded. */
  async function evidence(): Promise<{ name: string; uid: number; text: string }[]> {
    const names = await readdir(record);
    return Promise.all(
      names.map(async (name) => {
        const path = join(record, name);
        const info = await stat(path);
        return { name, uid: info.uid, text: info.isFile() ? (await readFile(path, "utf8")).trim() : "" };
      }),
    );
  }

  it("should run ≥100 injection payloads confined, as dry runs and as queued requests", { timeout: 600_000 }, async () => {
    const doctor = await runtime.doctor();
    expect(doctor.checks.find((check) => check.name === "validators")).toMatchObject({ ok: true, details: { mode: "confined" } });
    let index = 0;
    for (const template of TEMPLATES) {
      for (const variant of [0, 1, 2, 3, 4]) {
        index += 1;
        const marker = join(record, `pwn-${index}`);
        const content = template(commands(marker)[variant] as string, marker);
        const target = index % 2 === 0 ? "canary" : "units_legacy";
        const path = join(box, target === "canary" ? "canary" : "units", `case-${index}.service`);
        const before = new Set((await readdir(record)).filter((name) => name.endsWith(".uid")));
        const dry = await runtime.call("write_config_file", { path, content, target, dry_run: true }, caller);
        const queued = await runtime.call("write_config_file", { path, content, target }, caller);
        const problems: string[] = [];
        // A dry run is exempt from approval only because the validator runs confined.
        if (dry.status !== "ok") problems.push(`dry run: ${dry.status} ${JSON.stringify(dry).slice(0, 200)}`);
        if (queued.status !== "approval_required" && !(queued.status === "error" && queued.code === "input_invalid")) problems.push(`queued: ${queued.status}`);
        for (const item of await evidence()) {
          if (item.uid === 0) problems.push(`${item.name} was created by root`);
          if (item.name.endsWith(".uid") && item.text !== "65534") problems.push(`${item.name}: validator ran as uid ${item.text}`);
          if (item.name.endsWith(".net") && item.text !== "lo,") problems.push(`${item.name}: validator saw network interfaces ${item.text}`);
          if (item.name.startsWith("pwn-") && item.text !== "" && item.text !== "65534") problems.push(`${item.name}: payload ran as uid ${item.text}`);
        }
        if (target === "canary") {
          const runs = (await readdir(record)).filter((name) => name.endsWith(".uid") && !before.has(name));
          // The dry run and the pre-queue check: two confined runs, nothing else.
          if (runs.length !== 2) problems.push(`canary ran ${runs.length} times, expected 2`);
        }
        tally.record(problems.length > 0, `case ${index} (${target}): ${problems.join("; ")}`);
      }
    }
    // Nothing ran as root inside the container either: no marker in root's own directories.
    if (!harness.available) throw new Error("the suite is skipped without a harness");
    const rootLeft = await harness.exec(["sh", "-c", "ls /root /etc/systemd/system | grep -c pwn- || true"]);
    tally.record(rootLeft.stdout.trim() !== "0", `root-only locations hold ${rootLeft.stdout.trim()} markers`);
    // Nothing was written: every request is still a dry run or a pending approval.
    const written = [...(await readdir(join(box, "units"))), ...(await readdir(join(box, "canary")))];
    tally.record(written.length > 0, `files were written: ${written.join(", ")}`);
    // The attacks were live: the canary executed payloads, and they ran as 65534.
    const executed = (await evidence()).filter((item) => item.name.startsWith("pwn-"));
    expect(executed.length).toBeGreaterThan(0);
    expect(new Set(executed.map((item) => item.uid))).toStrictEqual(new Set([65534]));
    expect(tally.tried).toBeGreaterThanOrEqual(100);
    expect(tally.failures).toStrictEqual([]);
  });

  it("should refuse content its validator rejects before any approval exists", async () => {
    const path = join(box, "units", "invalid.service");
    const result = await runtime.call("write_config_file", { path, content: "[Service]\nExecStart=relative/path\n", target: "units_legacy" }, caller);
    expect(result).toMatchObject({ status: "error", code: "input_invalid" });
    const pending = await runtime.approvals.list({});
    expect(pending.some((approval) => (approval.arguments as { path?: string }).path === path)).toBe(false);
  });
});
