import { describe, expect, it } from "vitest";
import { childEnvironment, createCommandRunner, DEFAULT_PATH } from "./command-runner.js";
import { CommandTimeoutError, ToolFailureError } from "./errors/mc-error.js";

describe("createCommandRunner", () => {
  const runner = createCommandRunner();

  it("should pass arguments as argv, never through a shell", async () => {
    const result = await runner.run("printf", ["%s|", "a b", "$(id)", ";", "*"], { timeoutMs: 3_000 });
    expect(result.stdout).toBe("a b|$(id)|;|*|");
    expect(result.exitCode).toBe(0);
  });

  it("should return a non-zero exit as a result, with stderr", async () => {
    const result = await runner.run("ls", ["/nonexistent-mc-path"], { timeoutMs: 3_000 });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("nonexistent-mc-path");
  });

  it("should throw a ToolFailureError when the program does not exist", async () => {
    await expect(runner.run("mc-no-such-program", [], { timeoutMs: 3_000 })).rejects.toSatisfy(ToolFailureError.isInstance);
  });

  it("should throw a CommandTimeoutError past the limit", async () => {
    await expect(runner.run("sleep", ["5"], { timeoutMs: 200 })).rejects.toSatisfy(CommandTimeoutError.isInstance);
  });

  it("should put the prefix before every command", async () => {
    const prefixed = createCommandRunner({ prefix: ["env", "MC_PREFIXED=1"] });
    const result = await prefixed.run("printenv", ["MC_PREFIXED"], { timeoutMs: 3_000 });
    expect(result.argv).toStrictEqual(["env", "MC_PREFIXED=1", "printenv", "MC_PREFIXED"]);
    expect(result.stdout.trim()).toBe("1");
  });
});

describe("childEnvironment", () => {
  it("should keep only PATH, LANG and LC_ALL for system scope", () => {
    expect(childEnvironment("system", { sourceEnv: { SECRET: "x", HOME: "/root", PATH: "/evil" } })).toStrictEqual({
      PATH: DEFAULT_PATH,
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
    });
  });

  it("should add the user session's variables for user scope", () => {
    expect(childEnvironment("user", { sourceEnv: { XDG_RUNTIME_DIR: "/run/user/1000", HOME: "/home/u", SECRET: "x" } })).toStrictEqual({
      PATH: DEFAULT_PATH,
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      XDG_RUNTIME_DIR: "/run/user/1000",
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus",
      HOME: "/home/u",
    });
  });
});
