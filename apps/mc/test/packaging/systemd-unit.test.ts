// Packaging/mc-mcp-http.service is a valid, hardened unit for the systemd that runs in
// the harness container (systemd 252): `systemd-analyze verify` reports nothing, and
// `systemd-analyze security --offline` rates its exposure at most 5 ("OK"). Only the ExecStart
// binary is replaced, by a stub in the shared directory, since mc is not installed in the
// container and verify checks that the binary exists.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useHarnessInTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const UNIT = fileURLToPath(new URL("../../../../packaging/mc-mcp-http.service", import.meta.url));
const INSTALLED_BINARY = "/usr/local/bin/mc";

describe("packaging/mc-mcp-http.service", () => {
  const harness = useHarnessInTests();
  const text = readFileSync(UNIT, "utf8");
  let dir: string;

  beforeAll(() => {
    if (!harness.result?.available) return;
    dir = join(harness.current.sharePath, `mc-unit-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "mc"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `content` as mc-mcp-http.service (in a directory of its own) with the stub binary. */
  function place(name: string, content: string): string {
    const unitDir = join(dir, name);
    mkdirSync(unitDir, { recursive: true });
    const path = join(unitDir, "mc-mcp-http.service");
    writeFileSync(path, content.replaceAll(INSTALLED_BINARY, join(dir, "mc")));
    return path;
  }

  it("should serve on loopback only, with the token as a credential", () => {
    expect(text).toMatch(new RegExp(`^ExecStart=${INSTALLED_BINARY} mcp serve --http 127\\.0\\.0\\.1:\\d+ --token-file %d/http-token$`, "m"));
    expect(text).toMatch(/^LoadCredential=http-token:\/etc\/mc\/http-token$/m);
    const directives = text.split("\n").filter((line) => !line.startsWith("#"));
    expect(directives.filter((line) => /allow-remote|MC_HTTP_TOKEN=/.test(line))).toStrictEqual([]);
    for (const line of ["NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/mc", "PrivateTmp=yes", "IPAddressDeny=any"])
      expect(text.split("\n")).toContain(line);
  });

  it("should pass systemd-analyze verify with nothing to report", async () => {
    const result = await harness.current.exec(["systemd-analyze", "verify", "--man=no", "--generators=no", place("as-shipped", text)]);
    expect({ exitCode: result.exitCode, stderr: result.stderr.trim() }).toStrictEqual({ exitCode: 0, stderr: "" });
  });

  it("should be caught by the same check when a directive is wrong (control)", async () => {
    const broken = text.replace("NoNewPrivileges=yes", "NoNewPrivilege=yes");
    const result = await harness.current.exec(["systemd-analyze", "verify", "--man=no", "--generators=no", place("broken", broken)]);
    expect(result.stderr).toContain("NoNewPrivilege");
  });

  it("should rate an exposure of at most 5 in systemd-analyze security", async () => {
    const result = await harness.current.exec(["systemd-analyze", "security", "--offline=yes", "--no-pager", place("security", text)]);
    const level = /Overall exposure level for mc-mcp-http\.service: (\d+\.\d+)/.exec(result.stdout);
    expect(level).not.toBeNull();
    expect(Number(level?.[1])).toBeLessThanOrEqual(5);
  });
});
