// The published declarations are usable as they ship: a fresh consumer project that imports the
// built @mc/runtime compiles with skipLibCheck: false (every .d.ts it reaches is checked, its
// dependencies' included) without a single error, and typed runTool refuses what it should there
// too. The runtime's declarations reach @mc/approvals' record types; that package's declarations
// must stay free of drizzle-orm's (which do not compile with skipLibCheck: false).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Tests are not part of the build: only shipped sources make dist stale.
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!/\.test(-d)?\.ts$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

describe("@mc/runtime's public declarations", () => {
  let dir: string;

  beforeAll(() => {
    const built = (() => {
      try {
        return statSync(join(packageDir, "dist", "index.d.ts")).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if (built < newest(join(packageDir, "src"))) {
      const build = spawnSync("pnpm", ["run", "build"], { cwd: packageDir, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`building @mc/runtime failed:\n${build.stdout}${build.stderr}`);
    }
    dir = mkdtempSync(join(tmpdir(), "mc-runtime-consumer-"));
    mkdirSync(join(dir, "node_modules", "@mc"), { recursive: true });
    symlinkSync(packageDir, join(dir, "node_modules", "@mc", "runtime"));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [join(packageDir, "node_modules", "@types")],
        },
        files: ["consumer.ts"],
      }),
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Compiles consumer.ts; returns every error line tsc reports, in any file. */
  function compile(source: string): { errors: string[] } {
    writeFileSync(join(dir, "consumer.ts"), source);
    const result = spawnSync(join(packageDir, "node_modules", ".bin", "tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: dir, encoding: "utf8" });
    if (result.error) throw result.error;
    return { errors: `${result.stdout}${result.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line)) };
  }

  it("should compile a consumer with skipLibCheck false", () => {
    const result = compile(`
import { createRuntime, type Runtime, type ToolCallResult } from "@mc/runtime";
const runtime: Runtime = createRuntime({ env: {} });
const result = await runtime.runTool("service_status", { unit: "nginx.service", scope: "system" }, { caller: { kind: "embedded", name: "consumer" } });
if (result.status === "ok") {
  const state: string = result.output.active_state;
  console.log(state);
}
const loose: ToolCallResult = await runtime.call("anything", {}, { caller: { kind: "embedded" } });
console.log(loose.status, runtime.listTools().length);
await runtime.approvals.list({ status: "pending" });
await runtime.audit.verify();
await runtime.close();
`);
    expect(result.errors).toStrictEqual([]);
  }, 120_000);

  it("should refuse, in a consumer, an unknown tool, a wrong argument and store()", () => {
    const result = compile(`
import { createRuntime } from "@mc/runtime";
const runtime = createRuntime({ env: {} });
await runtime.runTool("reboot_host", {}, { caller: { kind: "embedded" } });
await runtime.runTool("service_status", { unit: 42, scope: "system" }, { caller: { kind: "embedded" } });
await (runtime as unknown as typeof runtime).store();
`);
    expect(result.errors.map((line) => line.replace(/^consumer\.ts\((\d+),\d+\).*$/, "line $1"))).toStrictEqual(["line 4", "line 5", "line 6"]);
  }, 120_000);
});
