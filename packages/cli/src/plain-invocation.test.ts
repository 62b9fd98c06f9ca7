import { Writable } from "node:stream";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mainThroughCommander, plainInvocation } from "./cli.js";
import type { CliIo } from "./io.js";

// The commands record what they were given instead of running: the plain parser and commander
// must hand them the same options for every command line the plain parser accepts.
const calls: unknown[][] = [];
vi.mock("./commands/tool.js", () => ({
  toolCommand: (_io: unknown, globals: unknown, name: unknown, options: unknown) => {
    calls.push(["tool", globals, name, options]);
    return Promise.resolve(0);
  },
}));
vi.mock("./commands/tools.js", () => ({
  toolsCommand: (_io: unknown, globals: unknown) => {
    calls.push(["tools", globals]);
    return Promise.resolve();
  },
}));

function io(): CliIo {
  const sink = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return { stdout: sink(), stderr: sink(), env: {}, stdinIsTty: false };
}

/** JSON, so an option commander leaves undefined and one the plain parser leaves out compare equal. */
const normal = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe("plainInvocation", () => {
  beforeEach(() => {
    calls.length = 0;
  });

  const PLAIN = [
    ["tools"],
    ["tools", "--json"],
    ["tools", "--state-dir", "/s", "--policy", "/p.toml"],
    ["tools", "--policy", "", "--json"],
    ["tool", "memory_usage"],
    ["tool", "memory_usage", "--json"],
    ["tool", "--json", "memory_usage"],
    ["tool", "service_status", "--arg", "unit=a.service", "--arg", "x=", "--json-args", '{"a":1}'],
    ["tool", "--arg", "unit=b", "service_status", "--yes", "--wait", "30"],
    ["tool", "x", "--state-dir", "/s", "--policy", "/p", "--wait", "abc", "--json"],
    ["tool", "help"],
    ["tool", "memory_usage", "--arg", "k=--v"],
  ];

  it.each(PLAIN)("should give the command what commander gives it: mc %s", async (...argv: string[]) => {
    const plain = plainInvocation(argv);
    expect(plain).toBeDefined();
    expect(await mainThroughCommander(argv, io())).toBe(0);
    expect(calls).toHaveLength(1);
    const [command, ...through] = calls[0] ?? [];
    expect(plain?.command).toBe(command);
    if (plain?.command === "tool") expect(normal([plain.globals, plain.name, plain.options])).toStrictEqual(normal(through));
    if (plain?.command === "tools") expect(normal([plain.globals])).toStrictEqual(normal(through));
  });

  it.each([
    [],
    ["--json", "tools"],
    ["tool"],
    ["tool", "--json"],
    ["tool", "a", "b"],
    ["tools", "extra"],
    ["tool", "a", "--help"],
    ["tool", "a", "-h"],
    ["tools", "--yes"],
    ["tools", "--arg", "a=b"],
    ["tool", "a", "--arg=x=1"],
    ["tool", "a", "--arg"],
    ["tool", "a", "--arg", "-x"],
    ["tool", "a", "--wait", "1", "--wait", "2"],
    ["tool", "a", "--json", "--json"],
    ["tool", "a", "--yes", "--yes"],
    ["tool", "a", "--state-dir", "/a", "--state-dir", "/b"],
    ["tool", "a", "--", "--json"],
    ["tool", "a", "--unknown"],
    ["tool", "-", "x"],
    ["doctor"],
    ["tools", "--version"],
  ])("should leave anything else to commander: mc %s", (...argv: string[]) => {
    expect(plainInvocation(argv)).toBeUndefined();
  });
});
