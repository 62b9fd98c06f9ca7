import { randomUUID } from "node:crypto";
import { InputError } from "@mc/core";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import { beforeAll, describe, expect, it } from "vitest";
import { refusingContext } from "./__fixtures__/refusing-runner.js";
import { journalFilterArgs, literalPcre2, resolveJournalTime } from "./journal-filters.js";
import { readJournalTool } from "./read-journal.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];

// One tag per run, so entries of an earlier run or another test never match.
const TAG = `mc-h6j-${randomUUID().slice(0, 8)}`;
const LINES = {
  info: `${TAG} plain info line`,
  err: `${TAG} an error line`,
  literal: `${TAG} literal a.*b (x)+$ [y]`,
  lookalike: `${TAG} literal aXXXb x+ y`,
  redos: `${TAG} ${"a".repeat(40)}!`,
};

describe.skipIf(!harness.available)("readJournalTool filters", () => {
  let written = 0;
  beforeAll(async () => {
    if (!harness.available) return;
    written = Date.now();
    const send = async (priority: string, lines: string[]) => {
      const result = await harness.exec(["systemd-cat", `--identifier=${TAG}`, `--priority=${priority}`], { input: `${lines.join("\n")}\n` });
      expect(result.exitCode).toBe(0);
    };
    await send("info", [LINES.info, LINES.literal, LINES.lookalike, LINES.redos]);
    await send("err", [LINES.err]);
    const { context } = contextFor(prefix);
    await waitFor(async () => ((await callTool(readJournalTool, { grep: TAG, lines: 10 }, context)).entries.length === 5 ? true : undefined), {
      timeoutMs: 10_000,
      description: "the five tagged lines in the journal",
    });
  });

  it("should match grep as plain text, case-insensitively, never as a pattern", async () => {
    const { context, calls } = contextFor(prefix);
    const literal = await callTool(readJournalTool, { grep: `${TAG.toUpperCase()} LITERAL A.*B (X)+$ [Y]`, lines: 10 }, context);
    expect(literal.entries.map((entry) => entry.message)).toStrictEqual([LINES.literal]);
    expect(calls[0]?.args).toContain("--case-sensitive=false");
    // A catastrophic-backtracking pattern that as a regex would match LINES.redos is only text here.
    const redos = await callTool(readJournalTool, { grep: "(a+)+!", lines: 10 }, context);
    expect(redos.entries).toStrictEqual([]);
    expect(redos.truncated).toBe(false);
  });

  it("should keep only entries of a priority and more important", async () => {
    const { context } = contextFor(prefix);
    for (const priority of ["err", 3, "crit"] as const) {
      const result = await callTool(readJournalTool, { grep: TAG, priority, lines: 10 }, context);
      expect(
        result.entries.map((entry) => entry.message),
        String(priority),
      ).toStrictEqual(priority === "crit" ? [] : [LINES.err]);
    }
    const all = await callTool(readJournalTool, { grep: TAG, priority: "debug", lines: 10 }, context);
    expect(all.entries).toHaveLength(5);
    expect(all.entries.find((entry) => entry.message === LINES.err)?.priority).toBe(3);
  });

  it("should honour since and until, absolute and relative", async () => {
    const { context, calls } = contextFor(prefix);
    const recent = await callTool(readJournalTool, { grep: TAG, since: "-10m", lines: 10 }, context);
    expect(recent.entries).toHaveLength(5);
    expect(calls[0]?.args.find((arg) => arg.startsWith("--since="))).toMatch(/^--since=@\d+\.\d{3}$/);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await callTool(readJournalTool, { grep: TAG, since: later, lines: 10 }, context)).entries).toStrictEqual([]);
    const before = new Date(written - 60_000).toISOString().replace("Z", "+00:00");
    expect((await callTool(readJournalTool, { grep: TAG, until: before, lines: 10 }, context)).entries).toStrictEqual([]);
    const window = await callTool(readJournalTool, { grep: TAG, since: "-1h", until: new Date(Date.now() + 60_000).toISOString(), lines: 10 }, context);
    expect(window.entries).toHaveLength(5);
  });

  it("should read the current boot by offset and by id", async () => {
    if (!harness.available) throw new Error("runs only with the harness (describe.skipIf)");
    const bootId = (await harness.exec(["cat", "/proc/sys/kernel/random/boot_id"])).stdout.trim().replaceAll("-", "");
    const { context } = contextFor(prefix);
    for (const boot of [0, bootId, bootId.toUpperCase()]) {
      const result = await callTool(readJournalTool, { grep: TAG, boot, lines: 10 }, context);
      expect(result.entries, String(boot)).toHaveLength(5);
    }
    const other = await callTool(readJournalTool, { grep: TAG, boot: `${"0".repeat(31)}1`, lines: 10 }, context).catch((caught: unknown) => caught);
    expect(String(other)).toMatch(/journalctl exited with status 1: Data from the specified boot .* is not available/);
  });
});

describe("readJournalTool filter input", () => {
  const bad: Record<string, unknown>[] = [
    { since: "yesterday" },
    { since: "2026-11-25T10:00:00" },
    { since: "2026-11-25 10:00:00Z" },
    { since: "2026-02-30" },
    { since: "2026-11-25T24:00:00Z" },
    { since: "1969-12-31" },
    { since: "-1y" },
    { since: "-99999999d" },
    { since: "-3651d" },
    { since: "+1h" },
    { since: "@1700000000" },
    { since: "--grep=x" },
    { since: "-1h; id" },
    { since: 1_700_000_000 },
    { until: "now" },
    { since: "-1h", until: "-2h" },
    { since: "2026-11-25T10:00:00+01:00", until: "2026-11-25T08:30:00Z" },
    { priority: "verbose" },
    { priority: 8 },
    { priority: -1 },
    { priority: 2.5 },
    { priority: "3" },
    { grep: "" },
    { grep: "x".repeat(201) },
    { grep: "a\nb" },
    { grep: "a\u0000b" },
    { grep: "\u001b[31m" },
    { grep: 42 },
    { boot: 1 },
    { boot: -101 },
    { boot: "-1" },
    { boot: "current" },
    { boot: "0".repeat(31) },
    { boot: `${"0".repeat(31)}g` },
    { boot: 0.5 },
    { boot: "0".repeat(32) },
  ];
  it(`should refuse ${bad.length} malformed filters before any process starts`, async () => {
    for (const args of bad) {
      const { context, started } = refusingContext();
      const error = await callTool(readJournalTool, args, context).catch((caught: unknown) => caught);
      expect(InputError.isInstance(error), JSON.stringify(args)).toBe(true);
      expect(started).toStrictEqual([]);
    }
  });

  it("should resolve times strictly", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(resolveJournalTime("-30m", now)).toBe(now - 1_800_000);
    expect(resolveJournalTime("-2d", now)).toBe(now - 172_800_000);
    expect(resolveJournalTime("2026-11-25", now)).toBe(Date.parse("2026-11-25T00:00:00Z"));
    expect(resolveJournalTime("2026-11-25T13:30:00.250+01:30", now)).toBe(Date.parse("2026-11-25T12:00:00.250Z"));
    expect(resolveJournalTime("2026-11-25T12:00Z", now)).toBe(now);
    expect(resolveJournalTime("2026-11-25T12:00:00", now)).toBeUndefined();
  });

  it("should pass journalctl only numbers and escaped literal text", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(journalFilterArgs({ since: "-1h", until: "2026-11-25T12:00:00Z", priority: "warning", grep: "a.b", boot: "AB".repeat(16) }, now)).toStrictEqual([
      `--since=@${(now - 3_600_000) / 1000}.000`,
      `--until=@${now / 1000}.000`,
      "--priority=4",
      "--grep=a\\.b",
      "--case-sensitive=false",
      `--boot=${"ab".repeat(16)}`,
    ]);
    const every = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index)).join("");
    const escaped = literalPcre2(every);
    // Every ASCII punctuation and space is preceded by a backslash; letters and digits are not.
    expect(escaped.replace(/\\[^A-Za-z0-9]/g, "")).toMatch(/^[A-Za-z0-9]*$/);
    expect(new RegExp(escaped).test(every)).toBe(true);
  });
});
