// Red team: approve_with as a shell command. An approval-required result tells the operator what
// to paste into their shell; when the state dir or database is not the default, the command
// names them. The guarantee: pasted into a POSIX shell (dash and bash), it runs `mc approvals
// approve ID` — nothing else — with exactly the runtime's state dir and database, whatever
// characters their paths hold (quotes, $(), backticks, ;, globs, newlines, leading dashes,
// non-ASCII). (A path holding "?", "#" or "%xx" is left out: the database is opened through a
// file: URL today, which reads them as query, fragment or escape — reported, not this class.)
// A recording `mc` on PATH writes down its argv and MC_* variables; a canary file
// proves no injected command ran.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { createRuntime } from "@mc/runtime";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "../clients/support.js";
import { attackClass } from "./attack-report.js";

const tally = attackClass("approve_with shell quoting");

/** Path pieces a hostile or careless configuration might hold; CANARY is replaced by the canary path. */
const NAMES: readonly string[] = [
  "plain",
  "with space",
  "it's",
  "'; touch CANARY; '",
  '"; touch CANARY; "',
  "$(touch CANARY)",
  "`touch CANARY`",
  "${IFS}x$((1+1))",
  "a;touch CANARY",
  "a&&touch CANARY",
  "a|touch CANARY",
  "a\ntouch CANARY\n",
  "*",
  "[a-z]*",
  "~root",
  "-rf",
  "--state-dir=x",
  "a\\'b",
  "\\$(touch CANARY)",
  "ünïcødé ✓",
  "tab\there",
  "'",
  "''",
  "!!",
  "a=b,c:d@e",
  "x>CANARY",
  "x<CANARY",
];

const SHELLS = ["/bin/sh", "/bin/bash"].filter((shell) => existsSync(shell));

function recorder(dir: string): { path: string; log: string } {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const log = join(dir, "recorded.json");
  // The recording mc: argv and the MC_* variables it was given, as JSON.
  writeFileSync(
    join(bin, "mc"),
    `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), stateDir: process.env.MC_STATE_DIR ?? null, dbPath: process.env.MC_DB_PATH ?? null }));\n`,
  );
  chmodSync(join(bin, "mc"), 0o755);
  return { path: `${bin}:/usr/bin:/bin`, log };
}

describe("red team: approve_with pasted into a shell runs exactly the approve command", () => {
  it("should reach exactly the runtime's state dir and database, and run nothing else, for every hostile path", async () => {
    const dir = tempDir("mc-rt-approve-with-");
    const canary = join(dir, "CANARY");
    const { path, log } = recorder(dir);
    for (const [index, name] of NAMES.entries()) {
      const piece = name.replaceAll("CANARY", canary);
      for (const variant of ["state", "database"] as const) {
        const stateDir = join(dir, `s${index}-${variant}`, piece);
        const databasePath = variant === "database" ? join(dir, `db${index}`, `${piece}.sqlite3`) : undefined;
        if (databasePath !== undefined) mkdirSync(join(dir, `db${index}`), { recursive: true });
        const runtime = createRuntime({ stateDir, ...(databasePath ? { databasePath } : {}), env: { HOME: join(dir, "home") } });
        let approveWith: string;
        let id: string;
        try {
          const result = await runtime.call("daemon_reload", {}, { caller: { kind: "embedded", name: "red-team" } });
          if (result.status !== "approval_required") throw new Error(`expected approval_required, got ${JSON.stringify(result)}`);
          approveWith = result.approve_with;
          id = result.approval_id;
        } finally {
          await runtime.close();
        }
        for (const shell of SHELLS) {
          writeFileSync(log, "");
          await run(shell, ["-c", approveWith], { env: { PATH: path, HOME: join(dir, "home") } });
          const recorded = readFileSync(log, "utf8");
          const parsed = recorded === "" ? undefined : (JSON.parse(recorded) as { argv: string[]; stateDir: string | null; dbPath: string | null });
          const exact =
            parsed !== undefined &&
            JSON.stringify(parsed.argv) === JSON.stringify(["approvals", "approve", id]) &&
            parsed.stateDir === stateDir &&
            parsed.dbPath === (databasePath ?? null);
          const injected = existsSync(canary);
          tally.record(!exact || injected, `${shell} ${JSON.stringify(piece)} (${variant}): ${injected ? "canary created" : `recorded ${recorded}`}`);
        }
      }
    }
    expect(tally.tried).toBe(NAMES.length * 2 * SHELLS.length);
    expect(tally.failures).toStrictEqual([]);
  });
});
