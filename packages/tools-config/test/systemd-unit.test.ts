import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigTarget, ToolContext } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreConfigBackup } from "../src/restore-config-backup.js";
import { writeConfigFile } from "../src/write-config-file.js";
import { makeContext, removeSandbox, snapshotTree } from "./helpers/sandbox.js";

const harness = await harnessForTests();

const VALID = "[Unit]\nDescription=mc tools-config test\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n";
const INVALID = "[Unit]\nDescription=broken\n\n[Service]\nExecStart=relative/path\n";

describe.skipIf(!harness.available)("systemd_unit target against the real systemd-analyze", () => {
  let box: string;
  let units: string;
  let context: ToolContext;
  const scratchDirs: string[] = [];

  beforeAll(async () => {
    if (!harness.available) return;
    // The share directory is mounted at the same path inside the container, so the validation
    // copy under the state dir is visible to systemd-analyze there.
    await mkdir(harness.sharePath, { recursive: true });
    box = await mkdtemp(join(harness.sharePath, "tools-config-"));
    units = join(box, "etc", "systemd", "system");
    await mkdir(units, { recursive: true });
    await writeFile(join(units, "mc-config-demo.service"), VALID);
    const targets: ConfigTarget[] = [
      {
        name: "systemd_unit",
        description: "systemd unit files",
        roots: [units],
        fileGlobs: ["*.service", "*.timer"],
        validator: "command",
        validatorCommand: ["systemd-analyze", "verify", "--man=no", "--generators=no", "{path}"],
      },
    ];
    // Validators run confined (uid 65534) in the container: their copies go to a scratch dir
    // under the share, which that user can reach.
    const scratch = await mkdtemp(join(harness.sharePath, "tools-config-scratch-"));
    await chmod(scratch, 0o755);
    context = { ...makeContext(join(box, "state"), targets, harness.prefix), scratchDir: scratch };
    scratchDirs.push(scratch);
  });

  afterAll(async () => {
    if (box !== undefined) await removeSandbox(box);
    for (const scratch of scratchDirs) await rm(scratch, { recursive: true, force: true });
  });

  it("should accept and write a valid unit, reporting that daemon-reload is needed", async () => {
    const path = join(units, "mc-config-demo.service");
    const content = VALID.replace("/bin/true", "/bin/echo hello");
    const result = await writeConfigFile({ path, content, dry_run: false }, context);
    expect([result.written, result.validation, result.daemon_reload_needed]).toStrictEqual([true, { ok: true, validator: "command" }, true]);
    expect(result.next_steps?.[0]).toBe('run daemon_reload with scope "system" so systemd loads the changed unit file');
    expect(result.diff).toContain("-ExecStart=/bin/true\n+ExecStart=/bin/echo hello");
    expect(await readFile(path, "utf8")).toBe(content);
    const restored = await restoreConfigBackup({ path, backup_id: result.backup_id as string }, context);
    expect([restored.written, restored.validation.ok]).toStrictEqual([true, true]);
    expect(await readFile(path, "utf8")).toBe(VALID);
  });

  it("should refuse an invalid unit with systemd-analyze's message and write nothing", async () => {
    const path = join(units, "mc-config-demo.service");
    const before = await snapshotTree(box);
    let caught: (Error & { data?: Record<string, unknown> }) | undefined;
    try {
      await writeConfigFile({ path, content: INVALID, dry_run: false }, context);
    } catch (error) {
      caught = error as Error & { data?: Record<string, unknown> };
    }
    expect(caught?.message).toMatch(
      /failed validation \(command\): systemd-analyze exited with status 1: .*Neither a valid executable name nor an absolute path: relative\/path/s,
    );
    // The message names the real file, not the validation copy.
    expect(caught?.message).toContain(`${path}:5: Neither a valid executable name`);
    expect(caught?.data?.validation).toStrictEqual({ ok: false, validator: "command", message: expect.stringContaining("Unit configuration has fatal error") });
    expect(await readFile(path, "utf8")).toBe(VALID);
    const after = await snapshotTree(box);
    expect(Object.keys(after)).toStrictEqual(Object.keys(before));
    expect(await readdir(units)).toStrictEqual(["mc-config-demo.service"]);
  });

  it("should accept a new unit with only warnings and keep them in the result", async () => {
    const path = join(units, "mc-config-warn.service");
    const result = await writeConfigFile({ path, content: `[Bogus]\nx=1\n${VALID}`, dry_run: true }, context);
    expect(result.validation.ok).toBe(true);
    expect(result.validation.message).toContain(`${path}:1: Unknown section 'Bogus'. Ignoring.`);
    expect(result.written).toBe(false);
    expect(await readdir(units)).toStrictEqual(["mc-config-demo.service"]);
  });
});
