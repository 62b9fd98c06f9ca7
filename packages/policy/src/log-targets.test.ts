import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "./load-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

/**
 * Loads a policy file with the given body.
 * @param body - TOML after `version = 1`
 * @returns the loaded policy and the file's directory
 */
function load(body: string) {
  const directory = tempDir();
  const path = join(directory, "policy.toml");
  writeFileSync(path, `version = 1\n${body}`);
  return { policy: loadPolicy({ path, stateDir: join(directory, "state"), tools: MC_TOOLS }), directory };
}

describe("[[log_targets]]", () => {
  it("should declare none by default, with or without a policy file", () => {
    const directory = tempDir();
    expect(loadPolicy({ path: join(directory, "absent.toml"), stateDir: directory, tools: MC_TOOLS }).logTargets).toStrictEqual([]);
    expect(load("").policy.logTargets).toStrictEqual([]);
  });

  it("should load declared targets with roots expanded like config target roots", () => {
    const { policy, directory } = load(
      [
        "[[log_targets]]",
        'name = "nginx"',
        'description = "web server logs"',
        'roots = ["/var/log/nginx", "$STATE_DIR/logs", "relative"]',
        'file_globs = ["*.log", "*.log.1"]',
        "[[log_targets]]",
        'name = "app"',
        'roots = ["/srv/app/log"]',
        'file_globs = ["app-*.log"]',
        "",
      ].join("\n"),
    );
    expect(policy.ok).toBe(true);
    expect(policy.logTargets).toStrictEqual([
      {
        name: "nginx",
        description: "web server logs",
        roots: ["/var/log/nginx", join(directory, "state", "logs"), join(directory, "relative")],
        fileGlobs: ["*.log", "*.log.1"],
      },
      { name: "app", description: "", roots: ["/srv/app/log"], fileGlobs: ["app-*.log"] },
    ]);
    // Log targets are not config targets: the defaults for config files still apply.
    expect(policy.configTargets.map((target) => target.name)).toStrictEqual(["managed_ini", "managed_json", "systemd_unit"]);
  });

  it.each([
    [
      "a validator (log targets have none)",
      'name = "a"\nroots = ["/var/log"]\nfile_globs = ["*.log"]\nvalidator = "ini_parse"',
      /unknown key "validator" \(allowed here: name, description, roots, file_globs\)/,
    ],
    ["no roots", 'name = "a"\nfile_globs = ["*.log"]', /roots/],
    ["empty roots", 'name = "a"\nroots = []\nfile_globs = ["*.log"]', /at least one directory path/],
    ["empty file_globs", 'name = "a"\nroots = ["/var/log"]\nfile_globs = []', /at least one glob string/],
    ["a bad glob", 'name = "a"\nroots = ["/var/log"]\nfile_globs = ["[z-a].log"]', /reversed range/],
    ["an absolute glob", 'name = "a"\nroots = ["/var/log"]\nfile_globs = ["/etc/*"]', /must be relative/],
    ["a .. glob", 'name = "a"\nroots = ["/var/log"]\nfile_globs = ["../*"]', /may not have empty, "\." or "\.\." segments/],
    ["a bad name", 'name = "-x"\nroots = ["/var/log"]\nfile_globs = ["*.log"]', /target name "-x"/],
    ["a $ in a root", 'name = "a"\nroots = ["$HOME/log"]\nfile_globs = ["*.log"]', /only a leading "\$STATE_DIR" expands/],
  ])("should fail closed on %s", (_name, table, message) => {
    const { policy } = load(`[[log_targets]]\n${table}\n`);
    expect(policy.ok).toBe(false);
    expect(policy.logTargets).toStrictEqual([]);
    expect(policy.loadError).toMatch(message);
  });

  it("should refuse duplicate names, pointing at the second one", () => {
    const { policy } = load(
      '[[log_targets]]\nname = "a"\nroots = ["/x"]\nfile_globs = ["*"]\n[[log_targets]]\nname = "a"\nroots = ["/y"]\nfile_globs = ["*"]\n',
    );
    expect(policy.ok).toBe(false);
    expect(policy.loadError).toMatch(/:7:\d+: log_targets\[1\]\.name: duplicate target name "a": log_targets\[0\] already uses it/);
  });

  it("should refuse log_targets that is not an array of tables", () => {
    const { policy } = load('log_targets = "all"\n');
    expect(policy.ok).toBe(false);
    expect(policy.loadError).toMatch(/an array of tables \(\[\[log_targets\]\]\)/);
  });
});
