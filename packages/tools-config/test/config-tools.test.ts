import { createHash } from "node:crypto";
import { chmod, chown, lstat, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigTarget } from "@mc/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBackups } from "../src/backup-store.js";
import { readConfigFile } from "../src/read-config-file.js";
import { restoreConfigBackup } from "../src/restore-config-backup.js";
import { writeConfigFile } from "../src/write-config-file.js";
import { buildTree, ignoringMtimeOf, makeContext, makeSandbox, rejectionOf, removeSandbox, snapshotTree } from "./helpers/sandbox.js";

let sandbox: string;
let root: string;
let state: string;
let targets: ConfigTarget[];

beforeEach(async () => {
  sandbox = await makeSandbox();
  root = join(sandbox, "root");
  state = join(sandbox, "state");
  await buildTree(sandbox, {
    "root/app.ini": "[main]\nkey = 1\n",
    "root/app.json": '{ "a": 1 }\n',
    "root/app.toml": "a = 1\n[server]\nport = 80\n",
    "root/check.conf": "ok\n",
    state: { dir: true },
  });
  targets = [
    { name: "ini", description: "INI", roots: [root], fileGlobs: ["*.ini"], validator: "ini_parse" },
    { name: "json", description: "JSON", roots: [root], fileGlobs: ["*.json"], validator: "json_parse" },
    { name: "toml", description: "TOML", roots: [root], fileGlobs: ["*.toml"], validator: "toml_parse" },
    // `grep -q ok` as a validator: content must contain "ok".
    { name: "cmd", description: "command", roots: [root], fileGlobs: ["*.conf"], validator: "command", validatorCommand: ["grep", "-q", "ok", "{path}"] },
  ];
});

afterEach(async () => {
  await removeSandbox(sandbox);
});

describe("read_config_file", () => {
  it("should return content, size, hash and mtime", async () => {
    const result = await readConfigFile({ path: join(root, "app.ini") }, makeContext(state, targets));
    const stats = await stat(join(root, "app.ini"));
    expect(result).toStrictEqual({
      path: join(root, "app.ini"),
      target: "ini",
      content: "[main]\nkey = 1\n",
      bytes: 15,
      sha256: createHash("sha256").update("[main]\nkey = 1\n").digest("hex"),
      modified: stats.mtime.toISOString(),
    });
  });

  it("should refuse a file that does not exist, naming it", async () => {
    const error = await rejectionOf(readConfigFile({ path: join(root, "missing.ini") }, makeContext(state, targets)));
    expect(error.message).toBe(`config file "${join(root, "missing.ini")}" does not exist`);
  });
});

describe("validators", () => {
  it.each([
    ["app.ini", "[a]\nx = 1\n; c\n# d\n\n[b] ; note\ny=2\n", true],
    ["app.ini", "[a]\njust words\n", false],
    ["app.ini", "[a\nx = 1\n", false],
    ["app.ini", "= value\n", false],
    ["app.json", '{"a": [1, 2]}', true],
    ["app.json", '{"a": [1, 2}', false],
    ["app.toml", 'a = "x"\n[t]\nb = 2026-11-25\n', true],
    ["app.toml", "a = \n", false],
    ["app.toml", "a = 1\na = 2\n", false],
    ["check.conf", "this is ok\n", true],
    ["check.conf", "nope\n", false],
  ])("should judge %s content %j as valid=%s, in a dry run that writes nothing", async (name, content, ok) => {
    const before = await snapshotTree(sandbox);
    const result = await writeConfigFile({ path: join(root, name), content, dry_run: true }, makeContext(state, targets));
    expect(result.validation.ok).toBe(ok);
    expect(result.written).toBe(false);
    if (!ok) expect(result.validation.message).toMatch(/\S/);
    // A command validator checks a copy in a private directory of the state dir, removed afterwards.
    expect(ignoringMtimeOf(await snapshotTree(sandbox), "state")).toStrictEqual(ignoringMtimeOf(before, "state"));
  });

  it("should refuse invalid content with the validator's message and write nothing", async () => {
    const before = await snapshotTree(sandbox);
    const error = await rejectionOf(
      writeConfigFile({ path: join(root, "app.ini"), content: "[a]\nbroken line\n", dry_run: false }, makeContext(state, targets)),
    );
    expect(error.message).toBe(
      `new content for "${join(root, "app.ini")}" failed validation (ini_parse): line 2: "broken line" is neither a [section], a key = value pair, a comment nor blank; nothing was written`,
    );
    expect(error.data?.validation).toStrictEqual({
      ok: false,
      validator: "ini_parse",
      message: 'line 2: "broken line" is neither a [section], a key = value pair, a comment nor blank',
    });
    expect(await snapshotTree(sandbox)).toStrictEqual(before);
  });

  it("should report a failing validator command's exit status, showing the real path", async () => {
    const error = await rejectionOf(
      writeConfigFile(
        { path: join(root, "check.conf"), content: "bad\n", dry_run: false },
        makeContext(state, [
          { name: "cmd", description: "", roots: [root], fileGlobs: ["*.conf"], validator: "command", validatorCommand: ["ls", "{path}.nothing"] },
        ]),
      ),
    );
    expect(error.message).toContain(`ls exited with status 2: ls: cannot access '${join(root, "check.conf")}.nothing'`);
    expect(await readdir(state)).toStrictEqual([]);
  });
});

describe("write_config_file", () => {
  it("should write, back up, diff and keep mode and owner", async () => {
    const path = join(root, "app.ini");
    await chmod(path, 0o640);
    await chown(path, 1234, 4321);
    const result = await writeConfigFile({ path, content: "[main]\nkey = 2\n", dry_run: false }, makeContext(state, targets));
    expect(result).toStrictEqual({
      path,
      target: "ini",
      dry_run: false,
      written: true,
      diff: [`--- ${path}\tcurrent`, `+++ ${path}\tnew`, "@@ -1,2 +1,2 @@", " [main]", "-key = 1", "+key = 2", ""].join("\n"),
      backup_id: result.backup_id,
      bytes: 15,
      validation: { ok: true, validator: "ini_parse" },
      daemon_reload_needed: false,
    });
    const stats = await stat(path);
    expect([stats.mode & 0o7777, stats.uid, stats.gid]).toStrictEqual([0o640, 1234, 4321]);
    expect(await readFile(path, "utf8")).toBe("[main]\nkey = 2\n");
    expect(result.backup_id).toMatch(/^\d{8}T\d{6}\.\d{3}Z(-\d+)?__%2F.*%2Froot%2Fapp\.ini\.bak$/);
    const backup = join(state, "config-backups", "ini", result.backup_id as string);
    expect(await readFile(backup, "utf8")).toBe("[main]\nkey = 1\n");
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    expect((await readdir(root)).sort()).toStrictEqual(["app.ini", "app.json", "app.toml", "check.conf"]);
  });

  it("should create a new file with mode 0644 and no backup", async () => {
    const path = join(root, "new.json");
    const result = await writeConfigFile({ path, content: "[]\n", dry_run: false }, makeContext(state, targets));
    expect(result.backup_id).toBeUndefined();
    expect(result.diff).toContain(`--- ${path}\t(new file)`);
    expect(result.diff).toContain("+[]");
    expect((await stat(path)).mode & 0o7777).toBe(0o644);
  });

  it("should write nothing and take no backup when the content is unchanged", async () => {
    const before = await snapshotTree(sandbox);
    const result = await writeConfigFile({ path: join(root, "app.json"), content: '{ "a": 1 }\n', dry_run: false }, makeContext(state, targets));
    expect([result.written, result.diff, result.backup_id]).toStrictEqual([false, "", undefined]);
    expect(await snapshotTree(sandbox)).toStrictEqual(before);
  });

  it("should give a dry run the diff and nothing else", async () => {
    const before = await snapshotTree(sandbox);
    const result = await writeConfigFile({ path: join(root, "app.json"), content: '{ "a": 2 }\n', dry_run: true }, makeContext(state, targets));
    expect(result.diff).toContain('-{ "a": 1 }\n+{ "a": 2 }');
    expect([result.written, result.dry_run, result.backup_id]).toStrictEqual([false, true, undefined]);
    expect(await snapshotTree(sandbox)).toStrictEqual(before);
  });

  it("should report daemon_reload_needed and next steps for a unit file", async () => {
    const units = join(sandbox, "root", "systemd", "system");
    await buildTree(sandbox, { "root/systemd/system": { dir: true } });
    const unitTargets: ConfigTarget[] = [{ name: "units", description: "", roots: [units], fileGlobs: ["*.service"], validator: "ini_parse" }];
    const result = await writeConfigFile(
      { path: join(units, "a.service"), content: "[Service]\nExecStart=/bin/true\n", dry_run: false },
      makeContext(state, unitTargets),
    );
    expect([result.daemon_reload_needed, result.next_steps]).toStrictEqual([
      true,
      ['run daemon_reload with scope "system" so systemd loads the changed unit file', "then reload_service or restart_service the unit to apply it"],
    ]);
  });

  it("should remove temp files of dead writers and ignore live ones' names", async () => {
    const stale = join(root, ".app.ini.mc-tmp-999999999-abcdef");
    const live = join(root, `.app.ini.mc-tmp-${process.pid}-abcdef`);
    await writeFile(stale, "half");
    await writeFile(live, "half");
    await writeConfigFile({ path: join(root, "app.ini"), content: "[x]\n", dry_run: false }, makeContext(state, targets));
    expect((await readdir(root)).filter((name) => name.includes("mc-tmp"))).toStrictEqual([`.app.ini.mc-tmp-${process.pid}-abcdef`]);
  });
});

describe("restore_config_backup and listBackups", () => {
  it("should restore a backup, backing up the current content first, and list backups newest first", async () => {
    const path = join(root, "app.toml");
    const context = makeContext(state, targets);
    const first = await writeConfigFile({ path, content: "a = 2\n", dry_run: false }, context);
    const second = await writeConfigFile({ path, content: "a = 3\n", dry_run: false }, context);
    const restored = await restoreConfigBackup({ path, backup_id: first.backup_id as string }, context);
    expect(await readFile(path, "utf8")).toBe("a = 1\n[server]\nport = 80\n");
    expect(restored.restored_from).toBe(first.backup_id);
    expect(restored.diff).toContain(`+++ ${path}\tbackup ${first.backup_id as string}`);
    expect(restored.diff).toContain("-a = 3\n+a = 1\n+[server]\n+port = 80");
    const backups = await listBackups({ stateDir: state, configTargets: targets, path });
    expect(backups.map((backup) => backup.backup_id)).toStrictEqual([restored.backup_id, second.backup_id, first.backup_id]);
    expect(backups[0]).toStrictEqual({
      backup_id: restored.backup_id,
      path,
      target: "toml",
      created_at: backups[0]?.created_at,
      bytes: 6,
    });
    expect(Date.parse(backups[0]?.created_at ?? "")).not.toBeNaN();
    expect(await listBackups({ stateDir: state, configTargets: targets, path: join(root, "app.json") })).toStrictEqual([]);
  });

  it("should refuse to restore invalid backup content", async () => {
    const path = join(root, "app.json");
    const context = makeContext(state, targets);
    await writeFile(path, "not json");
    const write = await writeConfigFile({ path, content: "{}", dry_run: false }, context);
    const error = await rejectionOf(restoreConfigBackup({ path, backup_id: write.backup_id as string }, context));
    expect(error.message).toMatch(/failed validation \(json_parse\)/);
    expect(await readFile(path, "utf8")).toBe("{}");
    expect((await lstat(path)).isFile()).toBe(true);
  });
});

describe("symlinks that stay inside", () => {
  it("should follow a root given through a symlink and an in-root file symlink, reporting the real path", async () => {
    await buildTree(sandbox, { "root-link": { symlink: "root" }, "root/alias.ini": { symlink: "app.ini" } });
    const linkedTargets: ConfigTarget[] = [
      { name: "linked", description: "", roots: [join(sandbox, "root-link")], fileGlobs: ["*.ini"], validator: "ini_parse" },
    ];
    const context = makeContext(state, linkedTargets);
    const read = await readConfigFile({ path: join(sandbox, "root-link", "alias.ini") }, context);
    expect([read.path, read.target, read.content]).toStrictEqual([join(root, "app.ini"), "linked", "[main]\nkey = 1\n"]);
    const written = await writeConfigFile({ path: join(root, "alias.ini"), content: "[main]\nkey = 9\n", dry_run: false }, context);
    expect(written.path).toBe(join(root, "app.ini"));
    expect((await lstat(join(root, "alias.ini"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(root, "app.ini"), "utf8")).toBe("[main]\nkey = 9\n");
  });
});

describe("targets sharing a root", () => {
  it("should let the globs decide, as with the default managed_ini and managed_json", async () => {
    const shared: ConfigTarget[] = [
      { name: "managed_ini", description: "", roots: [root], fileGlobs: ["*.ini", "*.cfg"], validator: "ini_parse" },
      { name: "managed_json", description: "", roots: [root], fileGlobs: ["*.json"], validator: "json_parse" },
    ];
    const context = makeContext(state, shared);
    expect((await readConfigFile({ path: join(root, "app.ini") }, context)).target).toBe("managed_ini");
    expect((await readConfigFile({ path: join(root, "app.json") }, context)).target).toBe("managed_json");
    const error = await rejectionOf(readConfigFile({ path: join(root, "app.toml") }, context));
    expect(error.message).toBe(
      `path "${join(root, "app.toml")}" matches no file_globs of target "managed_ini" (*.ini, *.cfg) or target "managed_json" (*.json)`,
    );
    expect(error.data).toStrictEqual({ path: join(root, "app.toml"), real_path: join(root, "app.toml"), rule: "no_glob_match", denial: "config_path_refused" });
  });
});
