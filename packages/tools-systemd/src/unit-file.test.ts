import { createCommandRunner, InputError, ToolFailureError } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installUnits, type InstalledUnits, serviceUnit } from "./__fixtures__/harness-units.js";
import { refusingContext } from "./__fixtures__/refusing-runner.js";
import { callTool, contextFor, recordingRunner } from "./test-kit.js";
import { splitUnitFiles, unitFileTool } from "./unit-file.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];

const UNIT = "mc-h6uf.service";
// A comment line that looks like systemctl cat's file header: it must not become a drop-in.
const FRAGMENT = `${serviceUnit("mc h6 unit file")}\n# /etc/shadow\n[Service]\nEnvironment=A=1\n`;
const DROPIN_A = "[Service]\nEnvironment=B=2\n";
const DROPIN_B = "[Unit]\nDescription=mc h6 unit file, overridden\n";

describe.skipIf(!harness.available)("unitFileTool", () => {
  let fixtures: InstalledUnits | undefined;
  let userFixtures: InstalledUnits | undefined;
  beforeAll(async () => {
    if (!harness.available) return;
    fixtures = await installUnits(harness, "system", {
      [UNIT]: FRAGMENT,
      [`${UNIT}.d/10-a.conf`]: DROPIN_A,
      [`${UNIT}.d/20-b.conf`]: DROPIN_B,
    });
    userFixtures = await installUnits(harness, "user", {
      "mc-h6uf-user.service": serviceUnit("mc h6 user unit file", "/bin/sleep infinity", "default.target"),
    });
  });
  afterAll(async () => {
    await fixtures?.remove();
    await userFixtures?.remove();
  });

  it("should return the fragment and the drop-ins with their exact text", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(unitFileTool, { unit: UNIT }, context);
    expect(result).toStrictEqual({
      scope: "system",
      unit: UNIT,
      load_state: "loaded",
      fragment: { path: `/etc/systemd/system/${UNIT}`, content: FRAGMENT },
      dropins: [
        { path: `/etc/systemd/system/${UNIT}.d/10-a.conf`, content: DROPIN_A },
        { path: `/etc/systemd/system/${UNIT}.d/20-b.conf`, content: DROPIN_B },
      ],
      truncated: false,
    });
    expect(calls.map((call) => call.args)).toContainEqual(["cat", UNIT, "--no-pager"]);
  });

  it("should read a user unit of root's user manager", async () => {
    const { context } = contextFor(prefix);
    const result = await callTool(unitFileTool, { unit: "mc-h6uf-user.service", scope: "user" }, context);
    // Debian links /etc/systemd/user to /etc/xdg/systemd/user; systemd reports the resolved path.
    expect(result.fragment?.path).toMatch(/^\/etc\/(xdg\/)?systemd\/user\/mc-h6uf-user\.service$/);
    expect(result.fragment?.content).toContain("Description=mc h6 user unit file");
  });

  it("should mark a cut read and leave unreached files without content", async () => {
    // Large enough for systemctl show's three properties, too small for the three files.
    const small = recordingRunner(createCommandRunner({ prefix, maxOutputChars: 250 }));
    const result = await callTool(unitFileTool, { unit: UNIT }, { runner: small.runner, stateDir: "/tmp", configTargets: [] });
    expect(result.truncated).toBe(true);
    // Whole files, then one cut file, then files not reached (content null).
    const contents = [result.fragment, ...result.dropins].map((file) => file?.content);
    const whole = [FRAGMENT, DROPIN_A, DROPIN_B];
    const cutAt = contents.findIndex((content, index) => content !== whole[index]);
    expect(cutAt).toBeGreaterThanOrEqual(0);
    expect(whole[cutAt]?.startsWith(contents[cutAt] ?? "")).toBe(true);
    expect(contents.slice(cutAt + 1).every((content) => content === null)).toBe(true);
    expect(contents.at(-1)).toBeNull();
  });

  it("should fail rather than guess when systemctl show itself is cut", async () => {
    const tiny = recordingRunner(createCommandRunner({ prefix, maxOutputChars: 60 }));
    const error = await callTool(unitFileTool, { unit: UNIT }, { runner: tiny.runner, stateDir: "/tmp", configTargets: [] }).catch((caught: unknown) => caught);
    expect(ToolFailureError.isInstance(error)).toBe(true);
  });

  it("should report a unit without files with fragment null", async () => {
    const result = await callTool(unitFileTool, { unit: "init.scope" }, contextFor(prefix).context);
    expect([result.load_state, result.fragment, result.dropins]).toStrictEqual(["loaded", null, []]);
  });

  it("should fail for a unit that does not exist without running cat", async () => {
    const { context, calls } = contextFor(prefix);
    const error = await callTool(unitFileTool, { unit: "mc-h6uf-missing.service" }, context).catch((caught: unknown) => caught);
    expect(ToolFailureError.isInstance(error)).toBe(true);
    expect((error as ToolFailureError).data).toMatchObject({ reason: "unit_not_found" });
    expect(calls.map((call) => call.args[0])).toStrictEqual(["show"]);
  });
});

describe("unitFileTool input", () => {
  for (const unit of ["--all", "../x.service", "a b.service", "x.service;id", "x", "x.conf", "/etc/systemd/system/x.service", "a".repeat(300) + ".service"]) {
    it(`should refuse unit ${JSON.stringify(unit.slice(0, 40))} before any process starts`, async () => {
      const { context, started } = refusingContext();
      const error = await callTool(unitFileTool, { unit }, context).catch((caught: unknown) => caught);
      expect(InputError.isInstance(error)).toBe(true);
      expect(started).toStrictEqual([]);
    });
  }

  it("should split only at the headers of the files systemd named", () => {
    const text = "# /a.service\nx\n\n# /fake.conf\ny\n\n# /a.service.d/1.conf\nz\n";
    expect(splitUnitFiles(text, ["/a.service", "/a.service.d/1.conf"])).toStrictEqual([
      { path: "/a.service", content: "x\n\n# /fake.conf\ny\n" },
      { path: "/a.service.d/1.conf", content: "z\n" },
    ]);
    expect(splitUnitFiles("garbage", ["/a.service"])).toStrictEqual([{ path: "/a.service", content: null }]);
  });
});
