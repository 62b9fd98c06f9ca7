import { execFileSync } from "node:child_process";
import { InputError } from "@mc/core";
import { describe, expect, it } from "vitest";
import { installedPackagesTool, parsePackageLines } from "./installed-packages.js";
import { callTool, contextFor } from "./test-kit.js";

/** Whether this host has a dpkg database that holds bash (Debian, Ubuntu). */
const dpkgVersionOfBash = ((): string | undefined => {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", "bash"], { encoding: "utf8" });
  } catch {
    return undefined;
  }
})();

describe.skipIf(dpkgVersionOfBash === undefined)("installedPackagesTool on a dpkg host", () => {
  it("should report bash's version as dpkg-query -W bash does", async () => {
    const { context, calls } = contextFor();
    const result = await callTool(installedPackagesTool, { name: "bash" }, context);
    const [name, version] = execFileSync("dpkg-query", ["-W", "bash"], { encoding: "utf8" }).trimEnd().split("\t");
    expect(result).toMatchObject({ manager: "dpkg", total: 1, truncated: false });
    expect(result.packages).toStrictEqual([expect.objectContaining({ name, version, status: "installed" })]);
    expect(calls.map((call) => [call.file, call.args])).toStrictEqual([
      ["dpkg-query", ["-W", "-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n", "bash"]],
    ]);
  });

  it("should match a glob with mc's glob and leave out packages that are not installed", async () => {
    const { context } = contextFor();
    const result = await callTool(installedPackagesTool, { pattern: "bas[a-h]*", limit: 500 }, context);
    expect(result.packages.map((entry) => entry.name)).toContain("bash");
    expect(result.packages.every((entry) => /^bas[a-h][^/]*$/.test(entry.name) && entry.status !== "not-installed")).toBe(true);
    expect(result.total).toBe(result.packages.length);
  });

  it("should cut at limit and say so", async () => {
    const { context } = contextFor();
    const result = await callTool(installedPackagesTool, { pattern: "lib*", limit: 2 }, context);
    expect(result.packages).toHaveLength(2);
    expect(result.truncated).toBe(true);
    expect(result.total === null || result.total > 2).toBe(true);
  });

  it("should answer an empty list for a name no package has", async () => {
    const { context } = contextFor();
    const result = await callTool(installedPackagesTool, { name: "mc-no-such-package" }, context);
    expect(result).toStrictEqual({ manager: "dpkg", packages: [], total: 0, truncated: false });
  });
});

describe("installedPackagesTool", () => {
  it.each([
    [{}, "name"],
    [{ name: "bash", pattern: "b*" }, "name"],
    [{ name: "-W" }, "name"],
    [{ name: "bash*" }, "name"],
    [{ name: "a b" }, "name"],
    [{ name: "x".repeat(129) }, "name"],
    [{ pattern: "--admindir=/tmp" }, "pattern"],
    [{ pattern: "-*" }, "pattern"],
    [{ pattern: "lib[" }, "pattern"],
    [{ pattern: "lib[z-a]*" }, "pattern"],
    [{ pattern: "../etc/*" }, "pattern"],
    [{ pattern: "a\\*" }, "pattern"],
    [{ pattern: "" }, "pattern"],
    [{ name: "bash", limit: 0 }, "limit"],
    [{ name: "bash", limit: 501 }, "limit"],
    [{ name: "bash", limit: "5" }, "limit"],
    [{ name: "bash", manager: "rpm" }, "manager"],
  ])("should refuse %j as an input error before any process starts", async (args, path) => {
    const { context, calls } = contextFor();
    const error = await callTool(installedPackagesTool, args, context).catch((caught: unknown) => caught);
    expect(InputError.isInstance(error)).toBe(true);
    expect((error as InputError).issues.map((issue) => issue.path)).toContain(path);
    expect(calls).toStrictEqual([]);
  });

  it("should say neither package manager is installed where neither exists", async () => {
    const { context, calls } = contextFor(["env", "PATH=/nonexistent"]);
    await expect(callTool(installedPackagesTool, { name: "bash" }, context)).rejects.toMatchObject({
      code: "tool_failed",
      message: "Neither `dpkg-query` (dpkg) nor `rpm` is installed on this host.",
      data: { reason: "not_installed" },
    });
    expect(calls.map((call) => call.file)).toStrictEqual(["dpkg-query", "rpm"]);
  });
});

describe("parsePackageLines", () => {
  it("should drop a partial last line of cut output and malformed lines", () => {
    const text = "bash\t5.2\tamd64\tinstalled\nnot a line\ncurl\t7.88\tamd64\tconfig-files\nlibc6\t2.3";
    expect(parsePackageLines(text, false)).toStrictEqual([
      { name: "bash", version: "5.2", architecture: "amd64", status: "installed" },
      { name: "curl", version: "7.88", architecture: "amd64", status: "config-files" },
    ]);
  });
});
