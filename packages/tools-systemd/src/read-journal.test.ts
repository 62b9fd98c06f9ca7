import { createCommandRunner } from "@mc/core";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { parseJournalLine } from "./journal-entry.js";
import { journalArgs, readJournalTool } from "./read-journal.js";
import { callTool, contextFor, recordingRunner } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("readJournalTool", () => {
  it("should read the tick lines of mc-logger as structured entries", async () => {
    const { context, calls } = contextFor(prefix);
    const journal = await waitFor(
      async () => {
        const result = await callTool(readJournalTool, { unit: "mc-logger.service", lines: 5 }, context);
        return result.entries.filter((entry) => entry.message.startsWith("mc-logger tick")).length >= 2 ? result : undefined;
      },
      { timeoutMs: 10_000, description: "two mc-logger ticks in the journal" },
    );
    const ticks = journal.entries.filter((entry) => entry.message.startsWith("mc-logger tick"));
    for (const entry of ticks) {
      expect(entry).toMatchObject({ unit: "mc-logger.service", priority: 6 });
      expect(entry.message).toMatch(/^mc-logger tick \d+$/);
      expect(entry.pid).toBeGreaterThan(1);
      expect(Date.parse(entry.time)).toBeGreaterThan(Date.parse("2020-01-01"));
    }
    const numbers = ticks.map((entry) => Number(entry.message.split(" ")[2]));
    expect(numbers).toStrictEqual([...numbers].sort((left, right) => left - right));
    expect(journal.truncated).toBe(false);
    expect(calls[0]?.args).toStrictEqual(journalArgs("system", "mc-logger.service", 5));
  });

  it("should page past the runner's output cap and return the newest entries in order", async () => {
    const unit = "mc-logger.service";
    await waitFor(async () => (await callTool(readJournalTool, { unit, lines: 12 }, contextFor(prefix).context)).entries.length === 12, {
      timeoutMs: 20_000,
      description: "twelve mc-logger entries",
    });
    // A tiny cap forces several journalctl calls; the result must match one uncut read.
    const small = recordingRunner(createCommandRunner({ prefix, maxOutputChars: 1_200 }));
    const paged = await callTool(readJournalTool, { unit, lines: 12 }, { runner: small.runner, stateDir: "/tmp", configTargets: [] });
    expect(small.calls.length).toBeGreaterThan(1);
    expect(paged.truncated).toBe(false);
    expect(paged.entries).toHaveLength(12);
    const whole = await callTool(readJournalTool, { unit, lines: 40 }, contextFor(prefix).context);
    const newestPaged = paged.entries.at(-1);
    const index = whole.entries.findIndex((entry) => entry.time === newestPaged?.time && entry.message === newestPaged?.message);
    expect(index).toBeGreaterThanOrEqual(11);
    expect(paged.entries).toStrictEqual(whole.entries.slice(index - 11, index + 1));
  });

  it("should read up to 200 entries of the whole journal", async () => {
    if (!harness.available) throw new Error("runs only with the harness (describe.skipIf)");
    // A freshly booted container's journal can hold fewer than 200 entries: write enough first,
    // then wait for journald, which stores them asynchronously.
    const fill = Array.from({ length: 210 }, (_, index) => `mc-journal-fill ${index}`).join("\n");
    expect((await harness.exec(["systemd-cat", "--identifier=mc-journal-fill"], { input: `${fill}\n` })).exitCode).toBe(0);
    const { context } = contextFor(prefix);
    const journal = await waitFor(
      async () => {
        const result = await callTool(readJournalTool, { lines: 200 }, context);
        return result.entries.some((entry) => entry.message === "mc-journal-fill 209") ? result : undefined;
      },
      { timeoutMs: 10_000, description: "the 210 fill lines in the journal" },
    );
    expect(journal.entries.length).toBe(200);
    const times = journal.entries.map((entry) => Date.parse(entry.time));
    expect(times).toStrictEqual([...times].sort((left, right) => left - right));
  });

  it("should read a user unit's entries from root's and from the test user's manager", async () => {
    for (const userScopePrefix of [prefix, userPrefix]) {
      const { context, calls } = contextFor(userScopePrefix);
      const journal = await callTool(readJournalTool, { unit: "mc-user-demo.service", scope: "user", lines: 20 }, context);
      expect(journal.entries.some((entry) => entry.message.startsWith("Started mc-user-demo.service"))).toBe(true);
      expect(journal.entries.every((entry) => entry.unit === "mc-user-demo.service")).toBe(true);
      expect(calls[0]?.options.scope).toBe("user");
      expect(calls[0]?.args.slice(-2)).toStrictEqual(["--user-unit", "mc-user-demo.service"]);
    }
  });

  it("should read the test user's own journal in user scope without a unit", async () => {
    if (!harness.available) throw new Error("runs only with the harness (describe.skipIf)");
    // A fresh entry in the test user's journal: the boot-time failure of mc-user-broken may be
    // more than 30 entries back by now. Starting it fails again and leaves it failed.
    await harness.exec(["systemctl", "--user", "start", "mc-user-broken.service"], { user: true });
    const { context, calls } = contextFor(userPrefix);
    const journal = await waitFor(
      async () => {
        const result = await callTool(readJournalTool, { scope: "user", lines: 30 }, context);
        return result.entries.some((entry) => entry.message.includes("mc-user-broken.service")) ? result : undefined;
      },
      { timeoutMs: 10_000, description: "an mc-user-broken.service entry in the test user's journal" },
    );
    expect(journal.entries.some((entry) => entry.message.includes("mc-user-broken.service"))).toBe(true);
    expect(calls[0]?.args.at(-1)).toBe("--user");
  });
});

describe("parseJournalLine", () => {
  it("should decode byte-array messages, default the priority and skip a cut line", () => {
    const line = JSON.stringify({
      __CURSOR: "s=1;i=2",
      __REALTIME_TIMESTAMP: "1795587680759611",
      MESSAGE: [104, 105],
      _SYSTEMD_UNIT: "a.service",
    });
    expect(parseJournalLine(line, "system")).toStrictEqual({
      cursor: "s=1;i=2",
      entry: { time: "2026-11-25T06:21:20.759Z", unit: "a.service", priority: 6, message: "hi" },
    });
    expect(parseJournalLine(line.slice(0, 40), "system")).toBeUndefined();
    expect(parseJournalLine("", "system")).toBeUndefined();
  });

  it("should prefer the user unit fields in user scope", () => {
    const line = JSON.stringify({
      __CURSOR: "c",
      __REALTIME_TIMESTAMP: "0",
      MESSAGE: null,
      PRIORITY: "3",
      _PID: "42",
      _SYSTEMD_UNIT: "user@1000.service",
      _SYSTEMD_USER_UNIT: "app.service",
      SYSLOG_IDENTIFIER: "app",
    });
    expect(parseJournalLine(line, "user")?.entry).toStrictEqual({
      time: "1970-01-01T00:00:00.000Z",
      unit: "app.service",
      priority: 3,
      pid: 42,
      identifier: "app",
      message: "[message too large to show]",
    });
  });
});
