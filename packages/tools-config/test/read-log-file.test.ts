import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createCommandRunner, DeniedError, InputError, type LogTarget, parseToolInput, type ToolContext } from "@mc/core";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTree, makeSandbox, rejectionOf, removeSandbox } from "./helpers/sandbox.js";
import { LOG_LINE_MAX_CHARS, LOG_TAIL_BYTES, readLogFileTool, tailLines } from "../src/read-log-file.js";

let box: string;
let logs: string;
let context: ToolContext;

/**
 * Calls the tool as the runtime does: input schema, run, output schema.
 * @param args - untrusted arguments
 * @param toolContext - context (default: one with the sandbox's log target)
 * @returns the checked output
 */
async function call(args: unknown, toolContext: ToolContext = context) {
  const input = parseToolInput(readLogFileTool.name, readLogFileTool.input, args);
  return v.parse(readLogFileTool.output, await readLogFileTool.run(input, toolContext));
}

beforeAll(async () => {
  box = await makeSandbox();
  logs = join(box, "logs");
  const numbered = Array.from({ length: 300 }, (_, index) => `line ${index + 1}${index % 3 === 0 ? " ERROR disk" : ""}`).join("\n");
  await buildTree(box, {
    "logs/app.log": `${numbered}\n`,
    "logs/no-newline.log": "first\nsecond",
    "logs/crlf.log": "one\r\ntwo\r\n",
    "logs/big.log": "",
    "logs/sub/deep.log": "deep\n",
    "logs/app.txt": "not a log\n",
    "logs/.hidden.log": "hidden\n",
    "outside/secret.log": "secret\n",
    "logs/link-out.log": { symlink: "../outside/secret.log" },
    "logs/linkdir": { symlink: "../outside" },
    "logs/link-in.log": { symlink: "app.log" },
    "logs/hard.log": { hardlink: "outside/secret.log" },
    "logs/dir.log": { dir: true },
    "logs/fifo.log": { fifo: true },
  });
  // Larger than the 1 MiB tail: the first line must never be returned.
  const big = join(logs, "big.log");
  await writeFile(big, "OLDEST\n");
  const block = `${"x".repeat(1023)}\n`.repeat(1024);
  await appendFile(big, block);
  await appendFile(big, "NEWEST\n");
  const targets: LogTarget[] = [{ name: "app_logs", description: "test logs", roots: [logs], fileGlobs: ["*.log"] }];
  context = { runner: createCommandRunner(), stateDir: box, configTargets: [], logTargets: targets };
});

afterAll(async () => {
  await removeSandbox(box);
});

describe("readLogFileTool", () => {
  it("should return the newest lines, oldest first, with the target's name", async () => {
    const result = await call({ path: join(logs, "app.log"), lines: 3 });
    expect(result).toStrictEqual({
      path: join(logs, "app.log"),
      target: "app_logs",
      size: expect.any(Number),
      lines: ["line 298 ERROR disk", "line 299", "line 300"],
      truncated: true,
    });
  });

  it("should default to 100 lines and say nothing was left out when the file is shorter", async () => {
    expect((await call({ path: join(logs, "app.log") })).lines).toHaveLength(100);
    expect(await call({ path: join(logs, "no-newline.log") })).toMatchObject({ lines: ["first", "second"], truncated: false });
    expect(await call({ path: join(logs, "crlf.log") })).toMatchObject({ lines: ["one", "two"], truncated: false });
  });

  it("should keep only lines containing the grep text, as a plain substring", async () => {
    const result = await call({ path: join(logs, "app.log"), lines: 2, grep: "ERROR" });
    expect(result.lines).toStrictEqual(["line 295 ERROR disk", "line 298 ERROR disk"]);
    // Regex syntax is literal text: nothing contains "ERR.R" or "(a+)+$".
    expect((await call({ path: join(logs, "app.log"), grep: "ERR.R" })).lines).toStrictEqual([]);
    expect((await call({ path: join(logs, "app.log"), grep: "(a+)+$" })).lines).toStrictEqual([]);
    const all = await call({ path: join(logs, "app.log"), lines: 1000, grep: "ERROR" });
    expect(all.lines).toHaveLength(100);
    expect(all.truncated).toBe(false);
  });

  it("should read only the last 1 MiB of a large file", async () => {
    const result = await call({ path: join(logs, "big.log"), lines: 1000 });
    expect(result.size).toBeGreaterThan(LOG_TAIL_BYTES);
    expect(result.lines.at(-1)).toBe("NEWEST");
    expect(result.lines).not.toContain("OLDEST");
    expect(result.truncated).toBe(true);
  });

  it("should follow a symlink that stays inside the root and report the real path", async () => {
    expect(await call({ path: join(logs, "link-in.log"), lines: 1 })).toMatchObject({ path: join(logs, "app.log"), lines: ["line 300"] });
  });

  const refusals: [string, () => string, RegExp][] = [
    ["outside every root", () => join(box, "outside/secret.log"), /outside every log target root/],
    ["a .. segment", () => `${logs}/../outside/secret.log`, /contains a "\.\." segment/],
    ["a symlink out of the root", () => join(logs, "link-out.log"), /outside every log target root/],
    ["a directory symlink out of the root", () => join(logs, "linkdir/secret.log"), /outside every log target root/],
    ["a hard link to a file outside", () => join(logs, "hard.log"), /2 hard links/],
    ["a name not matching the globs", () => join(logs, "app.txt"), /matches no file_globs/],
    ["a wildcard crossing /", () => join(logs, "sub/deep.log"), /matches no file_globs/],
    ["a hidden file", () => join(logs, ".hidden.log"), /matches no file_globs/],
    ["a directory", () => join(logs, "dir.log"), /is a directory, not a regular file/],
    ["a FIFO", () => join(logs, "fifo.log"), /is a FIFO, not a regular file/],
    ["/etc/shadow", () => "/etc/shadow", /outside every log target root/],
    ["/proc/self/environ", () => "/proc/self/environ", /outside every log target root/],
    // The parent is missing: refused before the roots are compared, in the same words.
    ["a missing directory outside the roots", () => join(box, "missing-dir/x.log"), /outside every log target root/],
    ["a missing directory inside a root", () => join(logs, "missing-dir/x.log"), /the directory of .* does not exist/],
  ];
  it.each(refusals)("should refuse %s with the rule that failed", async (_name, path, message) => {
    const error = await rejectionOf(call({ path: path() }));
    expect(DeniedError.isInstance(error)).toBe(true);
    // A log path's refusal is a log denial, and never talks of config targets.
    expect(error).toMatchObject({ data: { denial: "log_path_refused" } });
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/config (target|file|path)/);
  });

  it.each([
    ["a newline", "app\n.log"],
    ["an escape", "\u001b[31mapp.log"],
    ["a right-to-left override", "\u202Egol.ppa"],
    ["a NUL byte", "app\u0000.log"],
  ])("should refuse a path with %s as an input error", async (_name, tail) => {
    const error = await rejectionOf(call({ path: `${logs}/${tail}` }));
    expect(InputError.isInstance(error)).toBe(true);
  });

  it("should refuse every path with a clear reason when the policy declares no log targets", async () => {
    for (const logTargets of [undefined, []]) {
      const bare: ToolContext = { runner: context.runner, stateDir: box, configTargets: [], ...(logTargets === undefined ? {} : { logTargets }) };
      const error = await rejectionOf(call({ path: join(logs, "app.log") }, bare));
      expect(error).toMatchObject({ code: "denied", data: { rule: "no_log_targets", denial: "log_path_refused" } });
      expect(error.message).toMatch(/no log targets are declared/);
    }
  });

  it.each([
    [{ path: "relative.log" }, "path"],
    [{ path: "" }, "path"],
    [{ path: "/x".repeat(3000) }, "path"],
    [{ lines: 10 }, "path"],
    [{ path: "/var/log/x.log", lines: 0 }, "lines"],
    [{ path: "/var/log/x.log", lines: 1001 }, "lines"],
    [{ path: "/var/log/x.log", lines: 2.5 }, "lines"],
    [{ path: "/var/log/x.log", grep: "" }, "grep"],
    [{ path: "/var/log/x.log", grep: "a".repeat(257) }, "grep"],
    [{ path: "/var/log/x.log", grep: "a\nb" }, "grep"],
    [{ path: "/var/log/x.log", grep: 5 }, "grep"],
    [{ path: "/var/log/x.log", regex: "a" }, "regex"],
  ])("should refuse %j as an input error", async (args, key) => {
    const error = await rejectionOf(call(args));
    expect(InputError.isInstance(error)).toBe(true);
    expect((error as InputError).issues.map((issue) => issue.path)).toContain(key);
  });
});

describe("tailLines", () => {
  it("should drop the partial first line of a tail that began mid-file", () => {
    expect(tailLines("tial\nb\nc\n", false, 10)).toStrictEqual({ lines: ["b", "c"], truncated: true });
    expect(tailLines("a\nb\nc\n", true, 10)).toStrictEqual({ lines: ["a", "b", "c"], truncated: false });
  });

  it("should cut a very long line", () => {
    const [line] = tailLines(`${"y".repeat(LOG_LINE_MAX_CHARS + 10)}\n`, true, 1).lines;
    expect(line).toHaveLength(LOG_LINE_MAX_CHARS + 1);
    expect(line?.endsWith("…")).toBe(true);
  });
});
