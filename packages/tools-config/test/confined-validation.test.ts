// Command validators never run as root on content no human approved: against the harness (root
// inside the container) they run behind unshare + setpriv as uid 65534 with no network; where
// the runner is root and cannot confine, a dry run of a command-validated target needs approval
// and the pre-queue check does not run the validator at all.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ConfigTarget, confinedValidatorWrapper, createCommandRunner, type ToolContext, validatorConfinement } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWriteConfigFile, writeConfigFile, writeConfigFileExempt } from "../src/write-config-file.js";
import { makeSandbox, rejectionOf, removeSandbox } from "./helpers/sandbox.js";

const harness = await harnessForTests();

/** A validator that records who ran it and which network interfaces it saw, then accepts. */
function canaryScript(recordDir: string): string {
  return [
    "#!/bin/sh",
    `r="${recordDir}/run-$$"`,
    'id -u > "$r.uid"',
    `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > "$r.net"`,
    'grep -q REJECT "$1" && exit 3',
    "exit 0",
    "",
  ].join("\n");
}

async function recordedRuns(recordDir: string): Promise<{ uid: string; net: string }[]> {
  const names = (await readdir(recordDir)).filter((name) => name.endsWith(".uid")).sort();
  return Promise.all(
    names.map(async (name) => ({
      uid: (await readFile(join(recordDir, name), "utf8")).trim(),
      net: (await readFile(join(recordDir, name.replace(/\.uid$/, ".net")), "utf8").catch(() => "?")).trim(),
    })),
  );
}

describe.skipIf(!harness.available)("command validators against the harness (root inside)", () => {
  let box: string;
  let context: ToolContext;
  let recordDir: string;
  let argvLog: string;
  let units: string;

  beforeAll(async () => {
    if (!harness.available) return;
    await mkdir(harness.sharePath, { recursive: true });
    box = await mkdtemp(join(harness.sharePath, "tools-config-confined-"));
    await chmod(box, 0o755);
    recordDir = join(box, "record");
    await mkdir(recordDir);
    await chmod(recordDir, 0o777);
    const canary = join(box, "canary-validator");
    await writeFile(canary, canaryScript(recordDir), { mode: 0o755 });
    // Logs the argv each command gets on the host, before the harness prefix.
    argvLog = join(box, "argv.log");
    const recorder = join(box, "record-argv.sh");
    await writeFile(recorder, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec "$@"\n`, { mode: 0o755 });
    units = join(box, "units");
    await mkdir(units);
    const scratch = join(box, "scratch");
    await mkdir(scratch, { mode: 0o755 });
    const targets: ConfigTarget[] = [
      { name: "canary", description: "", roots: [units], fileGlobs: ["*.service"], validator: "command", validatorCommand: [canary, "{path}"] },
    ];
    context = {
      runner: createCommandRunner({ prefix: [recorder, ...harness.prefix] }),
      stateDir: join(box, "state"),
      configTargets: targets,
      scratchDir: scratch,
    };
  });

  afterAll(async () => {
    if (box !== undefined) await removeSandbox(box);
  });

  it("should probe the confined mode through the prefix, i.e. inside the container", async () => {
    const confinement = await validatorConfinement(context.runner);
    expect([confinement.mode, confinement.uid, confinement.unapprovedContentAllowed, confinement.wrapper]).toStrictEqual([
      "confined",
      65534,
      true,
      confinedValidatorWrapper(),
    ]);
  });

  it("should run a dry run's validator behind unshare + setpriv as uid 65534 with only loopback", async () => {
    const path = join(units, "demo.service");
    const result = await writeConfigFile({ path, content: "[Service]\nExecStart=/bin/true\n", dry_run: true }, context);
    expect([result.validation, result.written]).toStrictEqual([{ ok: true, validator: "command" }, false]);
    expect(await recordedRuns(recordDir)).toStrictEqual([{ uid: "65534", net: "lo" }]);
    const lines = (await readFile(argvLog, "utf8")).trim().split("\n");
    const last = lines.at(-1) ?? "";
    expect(
      last.startsWith(
        `${harness.available ? harness.prefix.join(" ") : ""} ${confinedValidatorWrapper().join(" ")} ${join(box, "canary-validator")} ${join(box, "scratch")}/mc-validate-`,
      ),
    ).toBe(true);
    expect(last.endsWith("/demo.service")).toBe(true);
    // The copy and its directory are gone.
    expect(await readdir(join(box, "scratch"))).toStrictEqual([]);
  });

  it("should refuse invalid content before any approval, running the validator confined", async () => {
    await rm(recordDir, { recursive: true, force: true });
    await mkdir(recordDir);
    await chmod(recordDir, 0o777);
    const error = await rejectionOf(checkWriteConfigFile({ path: join(units, "bad.service"), content: "REJECT\n", dry_run: false }, context));
    expect([error.code, error.message]).toStrictEqual(["input_invalid", expect.stringContaining("failed validation (command)") as unknown as string]);
    expect(error.data?.validation).toStrictEqual({ ok: false, validator: "command", message: expect.stringContaining("exited with status 3") });
    expect(await recordedRuns(recordDir)).toStrictEqual([{ uid: "65534", net: "lo" }]);
    expect(await writeConfigFileExempt({ path: join(units, "x.service"), content: "", dry_run: true }, context)).toBe(true);
  });
});

describe("command validators where root cannot confine them", () => {
  let box: string;
  let recordDir: string;
  let context: ToolContext;

  beforeAll(async () => {
    box = await makeSandbox();
    recordDir = join(box, "record");
    await mkdir(recordDir, { recursive: true });
    const canary = join(box, "canary-validator");
    await writeFile(canary, canaryScript(recordDir), { mode: 0o755 });
    // A PATH holding `id` and a shell's tools but no unshare and no setpriv.
    const bin = join(box, "bin");
    await mkdir(bin);
    for (const tool of ["id", "sh", "tail", "cut", "tr", "grep"])
      await symlink(`/usr/bin/${tool === "sh" ? "dash" : tool}`, join(bin, tool)).catch(async () => symlink(`/bin/${tool}`, join(bin, tool)));
    const noTools = join(box, "no-confinement-tools.sh");
    await writeFile(noTools, `#!/bin/sh\nPATH='${bin}'\nexport PATH\nexec "$@"\n`, { mode: 0o755 });
    const units = join(box, "units");
    const ini = join(box, "ini");
    await mkdir(units);
    await mkdir(ini);
    const targets: ConfigTarget[] = [
      { name: "canary", description: "", roots: [units], fileGlobs: ["*.service"], validator: "command", validatorCommand: [canary, "{path}"] },
      { name: "ini", description: "", roots: [ini], fileGlobs: ["*.ini"], validator: "ini_parse" },
    ];
    context = { runner: createCommandRunner({ prefix: [noTools] }), stateDir: join(box, "state"), configTargets: targets };
  });

  afterAll(async () => {
    await removeSandbox(box);
  });

  it.skipIf(process.getuid?.() !== 0)("should probe unconfined as root without unshare/setpriv", async () => {
    const confinement = await validatorConfinement(context.runner);
    expect([confinement.mode, confinement.unapprovedContentAllowed, confinement.wrapper]).toStrictEqual(["unconfined", false, []]);
  });

  it.skipIf(process.getuid?.() !== 0)("should not exempt a dry run of a command-validated target from approval", async () => {
    expect(await writeConfigFileExempt({ path: join(box, "units", "a.service"), content: "x", dry_run: true, target: "canary" }, context)).toBe(false);
    expect(await writeConfigFileExempt({ path: join(box, "units", "a.service"), content: "x", dry_run: true }, context)).toBe(false);
    // A syntax validator runs in-process: its dry run stays exempt.
    expect(await writeConfigFileExempt({ path: join(box, "ini", "a.ini"), content: "a=1", dry_run: true, target: "ini" }, context)).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)("should skip the command validator in the pre-queue check and never start it", async () => {
    await checkWriteConfigFile({ path: join(box, "units", "a.service"), content: "REJECT\n", dry_run: false }, context);
    expect(await recordedRuns(recordDir)).toStrictEqual([]);
    // Syntax validators still check before the queue.
    const error = await rejectionOf(checkWriteConfigFile({ path: join(box, "ini", "a.ini"), content: "not ini [", dry_run: false }, context));
    expect(error.code).toBe("input_invalid");
    expect(await recordedRuns(recordDir)).toStrictEqual([]);
  });
});
