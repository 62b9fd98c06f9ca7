// Red team: installed_packages and listening_sockets take bounded arguments only. An
// agent tries to smuggle options into dpkg-query/rpm (a leading "-", "--admindir=…"), shell
// syntax, path tricks and broken globs, and out-of-range limits, through the real runtime. Every
// command goes through a recording prefix: a case breaks the guarantee when a refused call
// started any process, or when an accepted name reached the package manager as anything but
// one argument after its fixed options.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@mc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";
import { recordingPrefix, type RecordingPrefix } from "./recording-prefix.js";

const caller = { caller: { kind: "embedded" as const, name: "red-team-packages" } };

describe("installed_packages and listening_sockets argument injection through the runtime", () => {
  const packages = attackClass("package query injection (installed_packages)");
  const sockets = attackClass("socket listing arguments (listening_sockets)");
  let dir: string;
  let recorded: RecordingPrefix;
  let runtime: Runtime;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "mc-red-packages-")));
    recorded = recordingPrefix(dir);
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    runtime = createRuntime({ stateDir: join(dir, "state"), policyPath: join(dir, "policy.toml"), env: {}, commandPrefix: recorded.prefix });
  });

  afterAll(async () => {
    await runtime?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should refuse hostile names, patterns and limits before any process starts", async () => {
    const hostile: Record<string, unknown>[] = [
      { name: "-W" },
      { name: "--admindir=/tmp" },
      { name: "--load-avail" },
      { pattern: "-*" },
      { pattern: "--admindir=/tmp/evil" },
      { pattern: "--showformat=${Package}" },
      { name: "bash;id" },
      { name: "bash && id" },
      { name: "$(id)" },
      { name: "`id`" },
      { name: "bash|id" },
      { name: "bash\nid" },
      { name: "bash\u0000" },
      { name: "bash " },
      { name: "../../etc/passwd" },
      { name: "/bin/bash" },
      { name: "bash*" },
      { name: "" },
      { name: "x".repeat(129) },
      { name: 5 },
      { name: ["bash"] },
      { pattern: "" },
      { pattern: "lib[" },
      { pattern: "lib[]" },
      { pattern: "lib[z-a]" },
      { pattern: "a\\" },
      { pattern: "*/*" },
      { pattern: "../*" },
      { pattern: "a b" },
      { pattern: "$HOME" },
      { pattern: "*".repeat(129) },
      { pattern: "a\u202Eb" },
      { pattern: "é*" },
      {},
      { name: "bash", pattern: "b*" },
      { name: "bash", limit: 0 },
      { name: "bash", limit: 501 },
      { name: "bash", limit: -1 },
      { name: "bash", limit: 1.5 },
      { name: "bash", limit: "10" },
      { name: "bash", limit: Number.NaN },
      { name: "bash", limit: 1e309 },
      { name: "bash", admindir: "/tmp" },
      { name: "bash", manager: "rpm" },
    ];
    recorded.take();
    for (const args of hostile) {
      const result = await runtime.call("installed_packages", args, caller);
      const started = recorded.take();
      const broke = !(result.status === "error" && result.code === "input_invalid") || started.length > 0;
      packages.record(broke, broke ? `${JSON.stringify(args)} → ${result.status} ${JSON.stringify(started)}` : undefined);
    }
    expect(packages.failures).toStrictEqual([]);
  });

  it("should pass an accepted name or pattern as one argument after the fixed options", async () => {
    for (const args of [{ name: "bash" }, { name: "libc6" }, { pattern: "bas[a-h]*" }, { pattern: "lib?[!z]*" }, { name: "g++" }]) {
      const result = await runtime.call("installed_packages", args, caller);
      const started = recorded.take();
      const query = "name" in args ? args.name : args.pattern;
      const first = started[0] ?? [];
      const broke =
        result.status !== "ok" ||
        started.length === 0 ||
        !(
          (first[0] === "dpkg-query" && first.length === 4 && first[1] === "-W" && first[2]?.startsWith("-f=") === true && first[3] === query) ||
          (first[0] === "rpm" && first.length === 5 && first[4] === query)
        );
      packages.record(broke, broke ? `${JSON.stringify(args)} → ${JSON.stringify(result).slice(0, 160)} ${JSON.stringify(started)}` : undefined);
    }
    expect(packages.failures).toStrictEqual([]);
  });

  it("should refuse bad listening_sockets arguments, and start no process for good ones either", async () => {
    const hostile: Record<string, unknown>[] = [
      { protocol: "sctp" },
      { protocol: "tcp;id" },
      { protocol: "TCP" },
      { protocol: "" },
      { protocol: ["tcp"] },
      { limit: 0 },
      { limit: 501 },
      { limit: 2.5 },
      { limit: "5" },
      { port: 22 },
      { pid: 1 },
    ];
    for (const args of hostile) {
      const result = await runtime.call("listening_sockets", args, caller);
      const started = recorded.take();
      const broke = !(result.status === "error" && result.code === "input_invalid") || started.length > 0;
      sockets.record(broke, broke ? `${JSON.stringify(args)} → ${result.status}` : undefined);
    }
    // listening_sockets reads /proc: no command runs, so nothing reaches a shell or a parser of ss output.
    for (const args of [{}, { protocol: "tcp" }, { protocol: "udp", limit: 500 }]) {
      const result = await runtime.call("listening_sockets", args, caller);
      const started = recorded.take();
      const broke = result.status !== "ok" || started.length > 0;
      sockets.record(broke, broke ? `${JSON.stringify(args)} → ${result.status} ${JSON.stringify(started)}` : undefined);
    }
    expect(sockets.failures).toStrictEqual([]);
  });
});
