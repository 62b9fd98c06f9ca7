// Red team: terminal spoofing. Text from outside — an MCP client's name, an approval note, a
// config file's content, a dry-run diff, a journal line, a unit's description, a policy file —
// carries terminal escape sequences, C1 controls, bidi overrides and invisible characters. Each
// reaches mc's human output by real means (a real `mc mcp serve` and SDK client, real files,
// real journald and systemd in the harness), then `mc approvals list|show`, `mc audit list`,
// `mc tool …` and `mc doctor` run as subprocesses. An attack succeeds when stdout or stderr
// holds one raw control (but the newline), DEL, C1 or format character, or when `--json` does
// not return the payload exactly. Every (payload × output) is one case.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, MC_BIN, runMc, tempDir, type ChildResult } from "../clients/support.js";
import { attackClass } from "./attack-report.js";

const ESC = "\u001b";
const BEL = "\u0007";
const ST = `${ESC}\\`;

/** Terminal-escape payloads: what each one does on a terminal that shows it raw. */
const PAYLOADS: readonly string[] = [
  `${ESC}[1A${ESC}[2K\rrestart_service nginx.service`, // the finding: up a line, erase it, rewrite
  `${ESC}[2J${ESC}[H`, // clear the screen, cursor home
  `${ESC}[3J`, // clear the scrollback
  `${ESC}[A${ESC}[A`, // cursor up twice
  `${ESC}[5D`, // cursor back 5
  `${ESC}[10;20H`, // cursor to row 10, column 20
  `${ESC}7hidden${ESC}8`, // save/restore cursor over text
  `${ESC}[s${ESC}[u`, // save/restore (SCO)
  `${ESC}[K`, // erase to end of line
  `${ESC}[1K`, // erase to start of line
  `${ESC}[M`, // delete line
  `${ESC}[L`, // insert line
  `${ESC}[31mred${ESC}[0m`, // colour
  `${ESC}[8mconcealed${ESC}[28m`, // invisible text
  `${ESC}[?25l`, // hide the cursor
  `${ESC}[?1049h`, // alternate screen
  `${ESC}[?2004h`, // bracketed paste on
  `${ESC}]8;;https://evil.example/${ST}mc approvals approve${ESC}]8;;${ST}`, // OSC 8 hyperlink
  `${ESC}]52;c;cm0gLXJmIH4K${BEL}`, // OSC 52: write the clipboard
  `${ESC}]0;pwned${BEL}`, // set the window title
  `${ESC}]2;title${ST}`, // set the title, ST-terminated
  `${ESC}]4;1;rgb:00/00/00${BEL}`, // recolour the palette
  `${ESC}]1337;File=inline=1:AAAA${BEL}`, // iTerm2 inline file
  `${ESC}[21t`, // report the title (echo-back attack)
  `${ESC}[6n`, // device status report
  `${ESC}[>c`, // secondary device attributes
  `${ESC}Pq#0;2;0;0;0#0~~${ST}`, // DCS sixel
  `${ESC}P+q544e${ST}`, // DCS XTGETTCAP
  `${ESC}_apc${ST}`, // APC
  `${ESC}^pm${ST}`, // PM
  `${ESC}c`, // RIS: full reset
  `${ESC}(0lqqk${ESC}(B`, // DEC line-drawing charset
  "sshd.service\rnginx.service", // carriage-return overwrite
  "sshd\b\b\b\bnginx", // backspaces
  "a\tb\t\t\t\t\tnginx", // tab tricks
  "\u000bvertical\u000cformfeed", // VT, FF
  `bell${BEL}${BEL}`, // BEL
  "\u000eshift-out\u000f", // SO/SI
  "\u009b1A\u009b2Kc1-csi", // C1 CSI (8-bit)
  "\u009d0;c1-title\u009c", // C1 OSC ... ST
  "\u0090qc1-dcs\u009c", // C1 DCS
  "\u0085next-line", // NEL
  "\u008dreverse-index", // RI
  "\u202esshd.service", // RLO
  "\u202dlro\u202c", // LRO ... PDF
  "\u202brle\u202c", // RLE
  "\u202alre\u202c", // LRE
  "\u2067rli\u2069", // RLI ... PDI
  "\u2066lri\u2069", // LRI ... PDI
  "\u2068fsi\u2069", // FSI ... PDI
  "\u200frlm\u200elrm\u061calm", // marks
  "nginx\u200b.service", // zero-width space
  "ng\u200dinx\u200c", // ZWJ, ZWNJ
  "word\u2060joiner\ufeffbom", // WJ, BOM
  "soft\u00adhyphen", // soft hyphen
  "tag\u{e0041}\u{e0042}", // tag characters
  "filler\u3164\u115f", // Hangul fillers
  "nul\u0000byte", // NUL
  "del\u007f\u007f\u007f", // DEL
  "fake\napr_0000000000000000  pending    restart_service", // a forged line
  "line\u2028sep\u2029para", // Unicode line/paragraph separators
];

// What a terminal must never receive raw (the newline is layout).
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u115f\u1160\u3164\uffa0]|\p{Cf}/u;
// A value in a cell or field also must not start a line.
const harness = await harnessForTests();
const tally = attackClass("terminal escapes");

function rawIn(result: ChildResult): string | undefined {
  const match = RAW.exec(result.stdout) ?? RAW.exec(result.stderr);
  return match ? `U+${(match[0].codePointAt(0) ?? 0).toString(16).padStart(4, "0")}` : undefined;
}

/** Records one case: broke when the human output holds a raw character or the exact check fails. */
function record(output: string, index: number, human: ChildResult, exact: boolean, extra?: string): void {
  const raw = rawIn(human);
  const broke = raw !== undefined || !exact || extra !== undefined;
  const why = `${raw ? `raw ${raw}` : ""}${exact ? "" : ` json not exact (exit ${human.exitCode}: ${human.stderr.slice(0, 160)})`}${extra ?? ""}`;
  tally.record(broke, `${output} × payload ${index} ${JSON.stringify(PAYLOADS[index])}: ${why}`);
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, offset) => each(item, start + offset)));
  }
}

describe.skipIf(!harness.available)("red team: terminal escapes through every human output", () => {
  let dir = "";
  let env: Record<string, string> = {};
  const units: string[] = [];

  beforeAll(() => {
    if (!harness.available) return;
    dir = tempDir("mc-rt-term-", false);
    env = childEnv({ MC_STATE_DIR: dir, MC_COMMAND_PREFIX: JSON.stringify(harness.prefix) });
  });
  afterAll(async () => {
    if (harness.available && units.length > 0) {
      await harness.exec(["systemctl", "stop", ...units]);
      // A transient unit that failed stays listed (failed_services counts it) until reset.
      await harness.exec(["systemctl", "reset-failed", ...units]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should have enough payloads", () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(50);
  });

  it("should escape MCP client names and approval notes in approvals list/show, audit list and mcp serve's stderr", async () => {
    const names = PAYLOADS.map((payload, index) => `rt${index}:${payload}`);
    // An argv cannot carry a NUL (the MCP client name can).
    const noteOf = (index: number) => `note${index}:${(PAYLOADS[index] ?? "").replaceAll("\u0000", "")}`;
    const serverStderr: string[] = [];
    await inBatches(names, 4, async (name, index) => {
      const transport = new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" });
      let stderr = "";
      transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const client = new Client({ name, version: "1.0.0" });
      try {
        await client.connect(transport);
        const result = await client.callTool({ name: "restart_service", arguments: { unit: `mc-rt-${index}.service` } });
        expect(result.structuredContent).toMatchObject({ status: "approval_required" });
      } finally {
        await client.close();
      }
      serverStderr[index] = stderr;
    });
    serverStderr.forEach((stderr, index) => record("mcp serve stderr", index, { exitCode: 0, stdout: "", stderr }, true));

    const listed = await runMc(["approvals", "list", "--limit", "1000", "--json"], env);
    const approvals = (JSON.parse(listed.stdout) as { approvals: Array<{ id: string; requester: { client_name: string | null } }> }).approvals;
    // The approvals store keeps a NUL as the visible text \u0000 (libSQL's binding would cut the
    // text there, PostgreSQL refuses it): "rt57:nul\0byte" is kept as "rt57:nul\\u0000byte". What is
    // stored must still be shown escaped.
    const stored = (index: number) => (names[index] ?? "").replaceAll("\u0000", "\\u0000");
    const idOf = (index: number) => approvals.find((approval) => approval.requester.client_name === stored(index))?.id;

    // Reject each with the payload as the note.
    await inBatches(PAYLOADS, 4, async (payload, index) => {
      const id = idOf(index);
      const rejected = await runMc(["approvals", "reject", id ?? "missing", "--note", noteOf(index)], env);
      record("approvals reject", index, rejected, id !== undefined && rejected.exitCode === 0);
    });

    await inBatches(PAYLOADS, 4, async (payload, index) => {
      const id = idOf(index) ?? "missing";
      const [human, json] = await Promise.all([runMc(["approvals", "show", id], env), runMc(["approvals", "show", id, "--json"], env)]);
      const approval = (JSON.parse(json.stdout || "{}") as { approval?: { requester: { client_name: string }; decision_note: string } }).approval;
      const exact = approval?.requester.client_name === stored(index) && approval?.decision_note === noteOf(index);
      // The value is shown (escaped), on its own lines: one "requested by" and one "note" line.
      const lines = human.stdout.split("\n");
      const shown =
        lines.filter((line) => line.startsWith("requested by") && line.includes(`(rt${index}:`)).length === 1 &&
        lines.filter((line) => line.startsWith("note")).length === 1;
      record("approvals show", index, human, exact, shown ? undefined : " value not shown on its one line");
    });

    const [list, auditHuman, auditJson] = await Promise.all([
      runMc(["approvals", "list", "--limit", "1000"], env),
      runMc(["audit", "list", "--limit", "10000"], env),
      runMc(["audit", "list", "--limit", "10000", "--json"], env),
    ]);
    const events = (JSON.parse(auditJson.stdout) as { events: Array<{ client_name: string | null }> }).events;
    const listLines = list.stdout.split("\n").filter((line) => line !== "");
    PAYLOADS.forEach((_payload, index) => {
      // One line per approval: a payload's newline must not add one.
      record(
        "approvals list",
        index,
        list,
        approvals.some((approval) => approval.requester.client_name === stored(index)),
        listLines.length === approvals.length ? undefined : " line count",
      );
      record(
        "audit list",
        index,
        auditHuman,
        events.some((event) => event.client_name === stored(index)),
        auditHuman.stdout.split("\n").filter((line) => line !== "").length === events.length + 2 ? undefined : " line count",
      );
    });
    expect(tally.failures).toStrictEqual([]);
  }, 600_000);

  it("should escape file contents and dry-run diffs in mc tool read_config_file / write_config_file", async () => {
    const managed = join(dir, "managed-configs");
    mkdirSync(managed, { recursive: true });
    const path = join(managed, "redteam.cfg");
    const content = PAYLOADS.map((payload, index) => `k${index} = ${payload}`).join("\n");
    writeFileSync(path, content);
    const args = JSON.stringify({ path });
    const [readHuman, readJson] = await Promise.all([
      runMc(["tool", "read_config_file", "--json-args", args], env),
      runMc(["tool", "read_config_file", "--json-args", args, "--json"], env),
    ]);
    const readContent = (JSON.parse(readJson.stdout) as { output?: { content?: string } }).output?.content ?? "";
    const writeArgs = JSON.stringify({ path, content: `${content}\nadded = ${PAYLOADS.join(" ")}\n`, dry_run: true });
    const [diffHuman, diffJson] = await Promise.all([
      runMc(["tool", "write_config_file", "--json-args", writeArgs], env),
      runMc(["tool", "write_config_file", "--json-args", writeArgs, "--json"], env),
    ]);
    const diffText = JSON.stringify(JSON.parse(diffJson.stdout));
    PAYLOADS.forEach((payload, index) => {
      record("tool read_config_file", index, readHuman, readHuman.exitCode === 0 && readContent.includes(`k${index} = ${payload}`));
      // The diff prefixes each line of a multi-line payload: its first line must be there exactly.
      record("tool write_config_file dry-run", index, diffHuman, diffText.includes(JSON.stringify(payload.split("\n")[0]).slice(1, -1)));
    });
    expect(tally.failures).toStrictEqual([]);
  }, 600_000);

  it("should escape journal lines in mc tool read_journal", async () => {
    if (!harness.available) return;
    const marker = `mcrt${process.pid}`;
    const logged = [...PAYLOADS.keys()].filter((index) => !PAYLOADS[index]?.includes("\u0000"));
    for (const index of logged) {
      const payload = PAYLOADS[index] ?? "";
      await harness.exec(["logger", "-t", "mc-redteam", "--", `${marker}j${index}:${payload}`]);
    }
    const args = JSON.stringify({ grep: marker, lines: 200 });
    type Entries = { output?: { entries?: Array<{ message: string }> } };
    let json: Entries = {};
    // journald writes asynchronously: read until every line is there.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      json = JSON.parse((await runMc(["tool", "read_journal", "--json-args", args, "--json"], env)).stdout) as Entries;
      if ((json.output?.entries?.length ?? 0) >= logged.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const human = await runMc(["tool", "read_journal", "--json-args", args], env);
    const messages = json.output?.entries?.map((entry) => entry.message) ?? [];
    logged.forEach((index) => {
      const payload = PAYLOADS[index] ?? "";
      // journald keeps a message's bytes; logger splits a message at its newlines.
      const whole = `${marker}j${index}:${payload}`;
      const exact = messages.includes(whole) || messages.includes(whole.split("\n")[0] ?? "");
      record("tool read_journal", index, human, human.exitCode === 0 && exact);
    });
    expect(tally.failures).toStrictEqual([]);
  }, 600_000);

  it("should escape unit descriptions in mc tool list_units and service_status", async () => {
    if (!harness.available) return;
    const described: number[] = [];
    const showSays = new Map<number, string>();
    const listSays = new Map<number, string>();
    for (const [index, payload] of PAYLOADS.entries()) {
      // An argv cannot carry a NUL.
      if (payload.includes("\u0000")) continue;
      const unit = `mc-rt-desc-${process.pid}-${index}.service`;
      const started = await harness.exec(["systemd-run", `--unit=${unit}`, `--description=${payload}`, "sleep", "600"]);
      // systemd refuses some descriptions (a NUL, a newline): those are not cases.
      if (started.exitCode !== 0) continue;
      units.push(unit);
      // systemd unescapes C escapes in Description=, and `systemctl show` writes "[unprintable]"
      // for some: the exact value is what systemd itself reports, in each of its two formats.
      const shown = await harness.exec(["systemctl", "show", unit, "-p", "Description", "--value"]);
      showSays.set(index, shown.stdout.replace(/\n$/, ""));
      const listed = await harness.exec(["systemctl", "list-units", "--all", "--output=json", unit]);
      listSays.set(index, (JSON.parse(listed.stdout) as Array<{ description: string }>)[0]?.description ?? "");
      described.push(index);
    }
    const args = JSON.stringify({ pattern: `mc-rt-desc-${process.pid}-*`, limit: 500 });
    const [human, json] = await Promise.all([
      runMc(["tool", "list_units", "--json-args", args], env),
      runMc(["tool", "list_units", "--json-args", args, "--json"], env),
    ]);
    const descriptions = ((JSON.parse(json.stdout) as { output?: { units?: Array<{ description: string }> } }).output?.units ?? []).map(
      (unit) => unit.description,
    );
    for (const index of described) record("tool list_units", index, human, human.exitCode === 0 && descriptions.includes(listSays.get(index) ?? ""));
    await inBatches(described, 4, async (index) => {
      const unit = `mc-rt-desc-${process.pid}-${index}.service`;
      const status = await runMc(["tool", "service_status", "--arg", `unit=${unit}`], env);
      const statusJson = JSON.parse((await runMc(["tool", "service_status", "--arg", `unit=${unit}`, "--json"], env)).stdout) as {
        output?: { description?: string };
      };
      record("tool service_status", index, status, statusJson.output?.description === showSays.get(index));
    });
    expect(described.length).toBeGreaterThanOrEqual(50);
    expect(tally.failures).toStrictEqual([]);
  }, 600_000);

  it("should escape policy file errors in mc doctor and in a denied mc tool call", async () => {
    const policyDir = tempDir("mc-rt-policy-");
    await inBatches(PAYLOADS, 4, async (payload, index) => {
      // A tool that does not exist, named by the payload (TOML escapes carry every control).
      const key = tomlKey(`rt${index}:${payload}`);
      const policy = join(policyDir, `policy-${index}.toml`);
      writeFileSync(policy, `version = 1\n\n[tools.${key}]\nenabled = true\n`);
      const policyEnv = { ...env, MC_POLICY_PATH: policy };
      const [doctor, doctorJson, denied, deniedJson] = await Promise.all([
        runMc(["doctor"], policyEnv),
        runMc(["doctor", "--json"], policyEnv),
        runMc(["tool", "system_info"], policyEnv),
        runMc(["tool", "system_info", "--json"], policyEnv),
      ]);
      const named = (text: string) => text.includes(`rt${index}:`);
      record("doctor (policy error)", index, doctor, doctor.exitCode === 1 && named(doctorJson.stdout));
      record("tool denied (policy error)", index, denied, denied.exitCode === 1 && named(deniedJson.stdout));
    });
    expect(tally.failures).toStrictEqual([]);
  }, 600_000);
});

/** A TOML basic-string key holding `text` exactly, every non-ASCII or control character as an escape. */
function tomlKey(text: string): string {
  let key = "";
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (character === '"' || character === "\\") key += `\\${character}`;
    else if (codePoint >= 0x20 && codePoint < 0x7f) key += character;
    else key += codePoint > 0xffff ? `\\U${codePoint.toString(16).padStart(8, "0")}` : `\\u${codePoint.toString(16).padStart(4, "0")}`;
  }
  return `"${key}"`;
}
