import { readdir, readFile, rename, stat, symlink, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigTarget, ToolContext } from "@mc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBackupId } from "../src/backup-id.js";
import { listBackups } from "../src/backup-store.js";
import { type OpenVerifiedFileOptions, readVerifiedFile } from "../src/open-verified-file.js";
import { readConfigFile } from "../src/read-config-file.js";
import { restoreConfigBackup } from "../src/restore-config-backup.js";
import { writeConfigFile } from "../src/write-config-file.js";
import type { WriteStep } from "../src/write-step.js";
import { buildTree, makeContext, makeSandbox, rejectionOf, removeSandbox, type SnapshotEntry, snapshotTree } from "./helpers/sandbox.js";

/**
 * Every case below must be refused, and the whole suite must leave every file of the sandbox —
 * outside sentinels, the roots and the state dir — exactly as it was (paths, sizes, mtimes,
 * modes, content hashes), which a walk before and after proves.
 */
let sandbox: string;
let A: string;
let B: string;
let SHARED: string;
let OUT: string;
let state: string;
let context: ToolContext;
let validBackupOfApp: string;
let backupOfOther: string;
let backupOfJson: string;
let before: Record<string, SnapshotEntry>;

const BIG = `[a]\n${"k = v\n".repeat(23_000)}`;

beforeAll(async () => {
  sandbox = await makeSandbox();
  A = join(sandbox, "roots", "a");
  B = join(sandbox, "roots", "b");
  SHARED = join(sandbox, "roots", "shared");
  OUT = join(sandbox, "outside");
  state = join(sandbox, "state");
  await buildTree(sandbox, {
    "outside/secret.ini": "secret = 1\n",
    "outside/hl-secret.ini": "hard = linked\n",
    "outside/evil.json": '{"evil": true}\n',
    "outside/dir/x.ini": "x = 1\n",
    "outside/dir/conf.d/one.ini": "one = 1\n",
    "roots/a/app.ini": "[main]\nkey = 1\n",
    "roots/a/other.ini": "other = 1\n",
    "roots/a/conf.d/one.ini": "one = 1\n",
    "roots/a/conf.d/x/deep.ini": "deep = 1\n",
    "roots/a/sub/deep.ini": "deep = 1\n",
    "roots/a/.hidden.ini": "hidden = 1\n",
    "roots/a/big.ini": BIG,
    "roots/a/dir.ini": { dir: true },
    "roots/a/fifo.ini": { fifo: true },
    "roots/a/link-out.ini": { symlink: "../../outside/secret.ini" },
    "roots/a/abs-link-out.ini": { symlink: join(sandbox, "outside/secret.ini") },
    "roots/a/linkdir": { symlink: "../../outside/dir" },
    "roots/a/link-root": { symlink: "/" },
    "roots/a/loop.ini": { symlink: "loop.ini" },
    "roots/a/loop1.ini": { symlink: "loop2.ini" },
    "roots/a/loop2.ini": { symlink: "loop1.ini" },
    "roots/a/loopdir": { symlink: "loopdir" },
    "roots/a/dangling.ini": { symlink: "../../outside/nothing.ini" },
    "roots/a/dangling-in.ini": { symlink: "missing.ini" },
    "roots/a/hardlink.ini": { hardlink: "outside/hl-secret.ini" },
    "roots/a-evil/x.ini": "evil = 1\n",
    "roots/b/x.json": "{}\n",
    "roots/b/link-a.ini": { symlink: "../a/app.ini" },
    "roots/shared/both.conf": "both = 1\n",
    state: { dir: true },
  });
  const targets: ConfigTarget[] = [
    { name: "a_ini", description: "", roots: [A], fileGlobs: ["*.ini", "conf.d/*.ini"], validator: "ini_parse" },
    { name: "b_json", description: "", roots: [B], fileGlobs: ["*.json"], validator: "json_parse" },
    { name: "dup_one", description: "", roots: [SHARED], fileGlobs: ["*.conf"], validator: "ini_parse" },
    { name: "dup_two", description: "", roots: [SHARED], fileGlobs: ["*.conf"], validator: "ini_parse" },
  ];
  context = makeContext(state, targets);
  // Legitimate history: backups of app.ini, other.ini and x.json, then each file put back.
  validBackupOfApp = (await writeConfigFile({ path: join(A, "app.ini"), content: "[main]\nkey = 2\n", dry_run: false }, context)).backup_id as string;
  await writeConfigFile({ path: join(A, "app.ini"), content: "[main]\nkey = 1\n", dry_run: false }, context);
  backupOfOther = (await writeConfigFile({ path: join(A, "other.ini"), content: "other = 2\n", dry_run: false }, context)).backup_id as string;
  backupOfJson = (await writeConfigFile({ path: join(B, "x.json"), content: "[]\n", dry_run: false }, context)).backup_id as string;
  // A planted backup named for app.ini in another target's backup directory.
  await writeFile(join(state, "config-backups", "b_json", formatBackupId(new Date("2026-01-01T00:00:00.000Z"), join(A, "app.ini"))), "evil = 1\n");
  before = await snapshotTree(sandbox);
}, 60_000);

afterAll(async () => {
  await removeSandbox(sandbox);
});

interface PathCase {
  /** What the case tries. */
  name: string;
  /** The path (a function, since the sandbox is made in beforeAll). */
  path: () => string;
  /** What the refusal must say. */
  expected: RegExp;
  /** Target argument. */
  target?: string;
}

const DOT_DOT = /contains a "\.\." segment/;
const OUTSIDE = /is outside every config target root/;
const NO_GLOB = /matches no file_globs of target "a_ini" \(\*\.ini, conf\.d\/\*\.ini\)/;
const NOT_ABSOLUTE = /is not absolute/;

const pathCases: PathCase[] = [
  // ".." in many spellings
  { name: "climb out with ../..", path: () => `${A}/../../outside/secret.ini`, expected: DOT_DOT },
  { name: "trailing ..", path: () => `${A}/..`, expected: DOT_DOT },
  { name: "conf.d/../x.ini inside the root", path: () => `${A}/conf.d/../app.ini`, expected: DOT_DOT },
  { name: "./../ mix", path: () => `${A}/./../a/app.ini`, expected: DOT_DOT },
  { name: "doubled slashes around ..", path: () => `${A}//..//a//app.ini`, expected: DOT_DOT },
  { name: "three levels up", path: () => `${A}/sub/../../../outside/secret.ini`, expected: DOT_DOT },
  { name: "leading /..", path: () => `/..${A}/app.ini`, expected: DOT_DOT },
  { name: "file then ..", path: () => `${A}/app.ini/..`, expected: DOT_DOT },
  { name: ".. then symlink", path: () => `${A}/linkdir/../app.ini`, expected: DOT_DOT },
  { name: "percent-encoded ../ is a literal dot name", path: () => `${A}/..%2Fsecret.ini`, expected: NO_GLOB },
  { name: "percent-encoded dots as a directory", path: () => `${A}/%2e%2e/secret.ini`, expected: /directory of .* does not exist/ },
  { name: "three dots is a name, not a climb", path: () => `${A}/.../secret.ini`, expected: /directory of .* does not exist/ },
  { name: "backslashes are literal", path: () => `${A}\\..\\..\\outside\\secret.ini`, expected: OUTSIDE },
  { name: "two-dot leader lookalike", path: () => `${A}/\u2025/secret.ini`, expected: /directory of .* does not exist/ },
  { name: "fullwidth dots lookalike", path: () => `${A}/\uff0e\uff0e/secret.ini`, expected: /directory of .* does not exist/ },
  // absolute paths outside
  { name: "a sentinel outside", path: () => `${OUT}/secret.ini`, expected: OUTSIDE },
  { name: "/etc/passwd", path: () => "/etc/passwd", expected: OUTSIDE },
  { name: "/etc/shadow", path: () => "/etc/shadow", expected: OUTSIDE },
  { name: "the file system root", path: () => "/", expected: OUTSIDE },
  { name: "the target root itself", path: () => A, expected: OUTSIDE },
  { name: "a sibling sharing the root's prefix", path: () => `${sandbox}/roots/a-evil/x.ini`, expected: OUTSIDE },
  { name: "/dev/null", path: () => "/dev/null", expected: OUTSIDE },
  { name: "/proc/self/environ", path: () => "/proc/self/environ", expected: OUTSIDE },
  { name: "a missing directory outside", path: () => "/nonexistent-dir/x.ini", expected: OUTSIDE },
  { name: "another target's root with the wrong glob", path: () => `${B}/new.ini`, expected: /matches no file_globs of target "b_json" \(\*\.json\)/ },
  // relative paths and junk
  { name: "bare name", path: () => "app.ini", expected: NOT_ABSOLUTE },
  { name: "./name", path: () => "./app.ini", expected: NOT_ABSOLUTE },
  { name: "relative into the root", path: () => "roots/a/app.ini", expected: NOT_ABSOLUTE },
  { name: "tilde", path: () => "~/app.ini", expected: NOT_ABSOLUTE },
  { name: "empty", path: () => "", expected: NOT_ABSOLUTE },
  { name: "leading space", path: () => ` ${A}/app.ini`, expected: NOT_ABSOLUTE },
  { name: "file: URL", path: () => `file://${A}/app.ini`, expected: NOT_ABSOLUTE },
  { name: "NUL byte before a suffix", path: () => `${A}/app.ini\0.json`, expected: /NUL byte/ },
  { name: "NUL byte alone", path: () => `${A}/\0`, expected: /NUL byte/ },
  // control, bidi and direction characters: refused for every purpose before any file system call
  ...(
    [
      ["newline in the name", "app\n.ini", "U+000A"],
      ["newline as a directory", "\n/app.ini", "U+000A"],
      ["carriage return", "app\r.ini", "U+000D"],
      ["tab", "app\t.ini", "U+0009"],
      ["ESC (a terminal escape)", "\u001b[31mapp.ini", "U+001B"],
      ["backspace", "evil\b\b\b\bapp.ini", "U+0008"],
      ["DEL", "app\u007f.ini", "U+007F"],
      ["C1 NEL", "app\u0085.ini", "U+0085"],
      ["C1 CSI", "app\u009b31m.ini", "U+009B"],
      ["right-to-left override", "\u202Einis.ppa.ini", "U+202E"],
      ["left-to-right embedding", "app\u202A.ini", "U+202A"],
      ["pop directional formatting", "app\u202C.ini", "U+202C"],
      ["left-to-right isolate", "app\u2066.ini", "U+2066"],
      ["right-to-left isolate", "app\u2067.ini", "U+2067"],
      ["first strong isolate", "app\u2068.ini", "U+2068"],
      ["pop directional isolate", "app\u2069.ini", "U+2069"],
      ["left-to-right mark", "app\u200E.ini", "U+200E"],
      ["right-to-left mark", "app\u200F.ini", "U+200F"],
      ["Arabic letter mark", "app\u061C.ini", "U+061C"],
    ] as const
  ).map(([name, tail, code]) => ({
    name: `${name} in the path`,
    path: () => `${A}/${tail}`,
    expected: new RegExp(`control or bidirectional-format character ${code.replace("+", "\\+")}`),
  })),
  { name: "an unpaired surrogate", path: () => `${A}/app\ud800.ini`, expected: /unpaired UTF-16 surrogate/ },
  // symlinks
  { name: "file symlink out (relative)", path: () => `${A}/link-out.ini`, expected: OUTSIDE },
  { name: "file symlink out (absolute)", path: () => `${A}/abs-link-out.ini`, expected: OUTSIDE },
  { name: "directory symlink out", path: () => `${A}/linkdir/x.ini`, expected: OUTSIDE },
  { name: "directory symlink out, new file", path: () => `${A}/linkdir/new.ini`, expected: OUTSIDE },
  { name: "directory symlink out, glob-shaped", path: () => `${A}/linkdir/conf.d/one.ini`, expected: OUTSIDE },
  { name: "symlink to /", path: () => `${A}/link-root/etc/passwd`, expected: OUTSIDE },
  { name: "self loop", path: () => `${A}/loop.ini`, expected: /symbolic link loop/ },
  { name: "two-link loop", path: () => `${A}/loop1.ini`, expected: /symbolic link loop/ },
  { name: "directory loop", path: () => `${A}/loopdir/x.ini`, expected: /symbolic link loop/ },
  { name: "dangling symlink out", path: () => `${A}/dangling.ini`, expected: /symbolic link to a missing file/ },
  { name: "dangling symlink in", path: () => `${A}/dangling-in.ini`, expected: /symbolic link to a missing file/ },
  {
    name: "symlink from another root into a_ini with target b_json",
    path: () => `${B}/link-a.ini`,
    target: "b_json",
    expected: /outside every root of target "b_json"/,
  },
  { name: "hard link to a file outside", path: () => `${A}/hardlink.ini`, expected: /has 2 hard links/ },
  // glob tricks
  { name: "* does not cross /", path: () => `${A}/sub/deep.ini`, expected: NO_GLOB },
  { name: "conf.d/* does not cross /", path: () => `${A}/conf.d/x/deep.ini`, expected: NO_GLOB },
  { name: "dotfile", path: () => `${A}/.hidden.ini`, expected: NO_GLOB },
  { name: "temp-file name", path: () => `${A}/.app.ini.mc-tmp-1-abcdef`, expected: NO_GLOB },
  { name: "suffix after the glob", path: () => `${A}/app.ini.bak`, expected: NO_GLOB },
  { name: "case differs", path: () => `${A}/app.INI`, expected: NO_GLOB },
  { name: "directory named like the glob's prefix", path: () => `${A}/conf.d`, expected: NO_GLOB },
  { name: "directory matching the glob", path: () => `${A}/dir.ini`, expected: /is a directory, not a regular file/ },
  { name: "FIFO matching the glob", path: () => `${A}/fifo.ini`, expected: /is a FIFO, not a regular file/ },
  { name: "trailing slash", path: () => `${A}/app.ini/`, expected: /not a directory|does not exist|not a regular file/ },
  { name: "trailing /.", path: () => `${A}/app.ini/.`, expected: /component that is not a directory/ },
  // sizes and lengths
  { name: "file over 128 KiB", path: () => `${A}/big.ini`, expected: /config files are limited to 131072 bytes/ },
  { name: "name over 255 bytes", path: () => `${A}/${"x".repeat(300)}.ini`, expected: /has a name of 304 bytes; the limit is 255/ },
  { name: "multibyte name over 255 bytes", path: () => `${A}/${"é".repeat(130)}.ini`, expected: /has a name of 264 bytes/ },
  { name: "path over PATH_MAX", path: () => `${A}/${"d/".repeat(2100)}x.ini`, expected: /the limit is 4095/ },
  // targets
  { name: "a path two targets claim", path: () => `${SHARED}/both.conf`, expected: /ambiguous: config targets "dup_one" and "dup_two" both manage it/ },
  { name: "a new path two targets claim", path: () => `${SHARED}/new.conf`, expected: /ambiguous: config targets "dup_one" and "dup_two"/ },
  { name: "the wrong target named", path: () => `${A}/app.ini`, target: "b_json", expected: /outside every root of target "b_json"/ },
  {
    name: "an unknown target named",
    path: () => `${A}/app.ini`,
    target: "nope",
    expected: /unknown config target "nope"; known targets: a_ini, b_json, dup_one, dup_two/,
  },
  { name: "a target named by a path", path: () => `${A}/app.ini`, target: "../b_json", expected: /unknown config target "\.\.\/b_json"/ },
];

type Operation = "read" | "write" | "dry_run" | "restore";

async function attempt(operation: Operation, path: string, target: string | undefined): Promise<unknown> {
  if (operation === "read") return readConfigFile({ path, target }, context);
  if (operation === "restore") return restoreConfigBackup({ path, target, backup_id: validBackupOfApp }, context);
  return writeConfigFile({ path, target, content: "[x]\ny = 1\n", dry_run: operation === "dry_run" }, context);
}

describe("path attack suite", () => {
  const rows = pathCases.flatMap((pathCase) => (["read", "write", "dry_run", "restore"] as const).map((operation) => ({ ...pathCase, operation })));

  it("should have at least 100 cases", () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
  });

  it.each(rows)("should refuse $operation of $name", async ({ operation, path, target, expected }) => {
    const error = await rejectionOf(attempt(operation, path(), target));
    expect(error.message).toMatch(expected);
    expect(["denied", "input_invalid"]).toContain(error.code);
  });

  it.each(["write", "dry_run"] as const)("should refuse a write of content over 128 KiB (%s)", async (operation) => {
    const error = await rejectionOf(writeConfigFile({ path: join(A, "app.ini"), content: BIG, dry_run: operation === "dry_run" }, context));
    expect(error.message).toMatch(/new content for .* is 138004 bytes; config files are limited to 131072 bytes/);
  });

  it("should refuse a write name that leaves no room for the temp file", async () => {
    const error = await rejectionOf(writeConfigFile({ path: `${A}/${"n".repeat(220)}.ini`, content: "", dry_run: false }, context));
    expect(error.message).toMatch(/leaves no room for the temp file/);
  });
});

describe("backup id attack suite", () => {
  const ids: { name: string; id: () => string; expected: RegExp; path?: () => string }[] = [
    { name: "a backup of another file", id: () => backupOfOther, expected: /is a copy of ".*other\.ini", not of ".*app\.ini"/ },
    { name: "a backup of another target's file", id: () => backupOfJson, expected: /is a copy of ".*x\.json", not of ".*app\.ini"/ },
    {
      name: "a backup planted in another target's directory",
      id: () => formatBackupId(new Date("2026-01-01T00:00:00.000Z"), join(A, "app.ini")),
      expected: /does not exist for target "a_ini"/,
    },
    { name: "../ to a sibling backup dir", id: () => `../b_json/${backupOfJson}`, expected: /is not a backup id/ },
    { name: "..", id: () => "..", expected: /is not a backup id/ },
    { name: "../../../outside/secret.ini", id: () => "../../../outside/secret.ini", expected: /is not a backup id/ },
    { name: "an absolute path", id: () => join(OUT, "secret.ini"), expected: /is not a backup id/ },
    { name: "a valid id with a / appended", id: () => `${validBackupOfApp}/..`, expected: /is not a backup id/ },
    { name: "a valid id after ./", id: () => `./${validBackupOfApp}`, expected: /is not a backup id/ },
    {
      name: "escaped .. in the path part",
      id: () => `20260101T000000.000Z__${"%2F..".repeat(2)}%2Foutside%2Fsecret.ini.bak`,
      expected: /is a copy of "\/\.\.\/\.\.\/outside\/secret\.ini"/,
    },
    { name: "a raw / in the path part", id: () => `20260101T000000.000Z__/etc/passwd.bak`, expected: /is not a backup id/ },
    { name: "a NUL byte", id: () => `${validBackupOfApp}\0`, expected: /is not a backup id/ },
    { name: "the partial-file prefix", id: () => ".partial-1-abcdef", expected: /is not a backup id/ },
    { name: "no .bak suffix", id: () => validBackupOfApp.replace(/\.bak$/, ""), expected: /is not a backup id/ },
    { name: "a bad escape", id: () => "20260101T000000.000Z__%2Fa%2e.bak", expected: /is not a backup id/ },
    {
      name: "the right id for the wrong path",
      id: () => validBackupOfApp,
      path: () => join(A, "other.ini"),
      expected: /is a copy of ".*app\.ini", not of ".*other\.ini"/,
    },
    {
      name: "a well-formed id that was never made",
      id: () => formatBackupId(new Date("2020-01-01T00:00:00.000Z"), join(A, "app.ini")),
      expected: /does not exist for target "a_ini"/,
    },
  ];

  it.each(ids)("should refuse $name", async ({ id, path, expected }) => {
    const error = await rejectionOf(restoreConfigBackup({ path: path?.() ?? join(A, "app.ini"), backup_id: id() }, context));
    expect(error.message).toMatch(expected);
  });

  it("should list only the backups of the file asked about", async () => {
    const listed = await listBackups({ stateDir: state, configTargets: context.configTargets, path: join(A, "app.ini") });
    expect(listed.map((entry) => entry.path)).toStrictEqual([join(A, "app.ini"), join(A, "app.ini")]);
    expect(listed.map((entry) => entry.target)).toStrictEqual(["a_ini", "a_ini"]);
  });

  it("should refuse to list backups of a path outside the roots", async () => {
    const error = await rejectionOf(listBackups({ stateDir: state, configTargets: context.configTargets, path: join(OUT, "secret.ini") }));
    expect(error.message).toMatch(OUTSIDE);
  });
});

describe("symlinks swapped between check and write", () => {
  let swapBox: string;
  let root: string;
  let outside: string;
  let swapContext: ToolContext;

  beforeAll(async () => {
    swapBox = await makeSandbox();
    root = join(swapBox, "root");
    outside = join(swapBox, "outside");
    await buildTree(swapBox, {
      "outside/dir/x.ini": "outside = 1\n",
      "outside/target.ini": "outside = 1\n",
      "root/sub/x.ini": "inside = 1\n",
      "root/app.ini": "a = 1\n",
      state: { dir: true },
    });
    swapContext = makeContext(join(swapBox, "state"), [
      { name: "swap", description: "", roots: [root], fileGlobs: ["*.ini", "sub/*.ini", "flip/*.ini"], validator: "ini_parse" },
    ]);
  });

  afterAll(async () => {
    await removeSandbox(swapBox);
  });

  async function writeWithSwap(path: string, at: WriteStep, swap: () => Promise<void>): Promise<unknown> {
    let done = false;
    return writeConfigFile({ path, content: "written = 1\n", dry_run: false }, swapContext, {
      onStep: async (step) => {
        if (step === at && !done) {
          done = true;
          await swap();
        }
      },
    });
  }

  it("should refuse when the parent directory becomes a symlink out after resolution", async () => {
    const outsideBefore = await snapshotTree(outside);
    const error = await rejectionOf(
      writeWithSwap(join(root, "sub", "x.ini"), "after-resolve", async () => {
        await rename(join(root, "sub"), join(root, "sub-moved"));
        await symlink(join(outside, "dir"), join(root, "sub"));
      }),
    );
    expect(error.message).toMatch(/changed while it was being written \(another directory is now at its path\); nothing was written/);
    expect(await snapshotTree(outside)).toStrictEqual(outsideBefore);
  });

  it("should refuse when the file becomes a symlink out after resolution", async () => {
    const outsideBefore = await snapshotTree(outside);
    const error = await rejectionOf(
      writeWithSwap(join(root, "app.ini"), "after-resolve", async () => {
        await rename(join(root, "app.ini"), join(root, "app-moved.ini"));
        await symlink(join(outside, "target.ini"), join(root, "app.ini"));
      }),
    );
    expect(error.message).toMatch(/became a symbolic link while it was being written/);
    expect(await snapshotTree(outside)).toStrictEqual(outsideBefore);
  });

  it("should replace the link itself, not its target, when the file becomes a symlink right before the rename", async () => {
    await writeFile(join(root, "late.ini"), "late = 1\n");
    const outsideBefore = await snapshotTree(outside);
    await writeWithSwap(join(root, "late.ini"), "before-rename", async () => {
      await rename(join(root, "late.ini"), join(root, "late-moved.ini"));
      await symlink(join(outside, "target.ini"), join(root, "late.ini"));
    });
    expect(await snapshotTree(outside)).toStrictEqual(outsideBefore);
    expect(await readFile(join(root, "late.ini"), "utf8")).toBe("written = 1\n");
  });

  it("should refuse and leave no temp file when the directory is moved out of the root before the rename", async () => {
    await mkdir(join(root, "sub2"));
    await writeFile(join(root, "sub2", "x.ini"), "inside = 1\n");
    const context2 = makeContext(join(swapBox, "state"), [{ name: "swap", description: "", roots: [root], fileGlobs: ["sub2/*.ini"], validator: "ini_parse" }]);
    let moved = false;
    const error = await rejectionOf(
      writeConfigFile({ path: join(root, "sub2", "x.ini"), content: "written = 1\n", dry_run: false }, context2, {
        onStep: async (step) => {
          if (step === "before-rename" && !moved) {
            moved = true;
            await rename(join(root, "sub2"), join(outside, "moved-sub2"));
          }
        },
      }),
    );
    expect(error.message).toMatch(/changed while it was being written \(it moved\)/);
    expect(await readdir(join(outside, "moved-sub2"))).toStrictEqual(["x.ini"]);
    expect(await readFile(join(outside, "moved-sub2", "x.ini"), "utf8")).toBe("inside = 1\n");
  });

  it("should never write outside while another process keeps swapping a directory for a symlink out", async () => {
    const flip = join(root, "flip");
    await mkdir(flip);
    await writeFile(join(flip, "x.ini"), "inside = 0\n");
    const outsideBefore = await snapshotTree(outside);
    const { execa } = await import("execa");
    const swapper = execa(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
       const [flip, parked, out] = process.argv.slice(1);
       for (;;) {
         try { fs.renameSync(flip, parked); fs.symlinkSync(out, flip); fs.unlinkSync(flip); fs.renameSync(parked, flip); } catch {}
       }`,
        flip,
        join(root, "flip-parked"),
        join(outside, "dir"),
      ],
      { reject: false },
    );
    let written = 0;
    let refused = 0;
    try {
      for (let index = 0; index < 150; index += 1) {
        try {
          await writeConfigFile({ path: join(flip, "x.ini"), content: `inside = ${index + 1}\n`, dry_run: false }, swapContext);
          written += 1;
        } catch {
          refused += 1;
        }
      }
    } finally {
      swapper.kill("SIGKILL");
      await swapper;
    }
    expect(written + refused).toBe(150);
    expect(await snapshotTree(outside)).toStrictEqual(outsideBefore);
  }, 60_000);
});

describe("a file swapped between the check and the open (openVerifiedFile)", () => {
  let box: string;
  let root: string;
  let outside: string;
  const options = { maxBytes: 1024 };

  beforeAll(async () => {
    box = await makeSandbox();
    root = join(box, "root");
    outside = join(box, "outside");
    await buildTree(box, {
      "outside/x.ini": "stolen = 1\n",
      "outside/sub/x.ini": "stolen = 1\n",
      "root/x.ini": "inside = 1\n",
      "root/fifo.ini": { fifo: true },
      "root/big.ini": "b".repeat(2048),
      "root/out-link": { symlink: "../outside" },
      "root/file-link.ini": { symlink: "../outside/x.ini" },
      "root/hard.ini": { hardlink: "outside/x.ini" },
    });
  });

  afterAll(async () => {
    await removeSandbox(box);
  });

  async function refusalOf(path: string, extra: Partial<OpenVerifiedFileOptions> = {}): Promise<{ rule: unknown; message: string }> {
    const error = await rejectionOf(readVerifiedFile(path, { ...options, ...extra }));
    return { rule: (error as { data?: { rule?: unknown } }).data?.rule, message: error.message };
  }

  it("should read the checked file and prove where it is", async () => {
    const file = await readVerifiedFile(join(root, "x.ini"), options);
    expect(file?.bytes.toString()).toBe("inside = 1\n");
    expect(await readVerifiedFile(join(root, "missing.ini"), { ...options, allowMissing: true })).toBeNull();
  });

  it("should refuse when the file's directory is now a symlink out", async () => {
    expect(await refusalOf(join(root, "out-link", "x.ini"))).toMatchObject({
      rule: "changed_during_read",
      message: expect.stringMatching(/cannot be opened: (ELOOP|ENOTDIR)/),
    });
  });

  it("should refuse when a directory higher up is now a symlink out", async () => {
    expect(await refusalOf(join(root, "out-link", "sub", "x.ini"))).toMatchObject({
      rule: "changed_during_read",
      message: expect.stringMatching(/a directory on its path was swapped/),
    });
  });

  it("should refuse, not follow, when the file is now a symlink", async () => {
    expect(await refusalOf(join(root, "file-link.ini"))).toMatchObject({
      rule: "changed_during_read",
      message: expect.stringMatching(/became a symbolic link while it was being read/),
    });
    expect(await refusalOf(join(root, "file-link.ini"), { operation: "write" })).toMatchObject({
      rule: "changed_during_write",
      message: expect.stringMatching(/nothing was written/),
    });
  });

  it("should refuse a hard link to a file outside, a FIFO (without blocking) and a file over the cap", async () => {
    expect((await refusalOf(join(root, "hard.ini"))).rule).toBe("hard_linked");
    expect((await refusalOf(join(root, "fifo.ini"))).rule).toBe("not_regular_file");
    expect((await refusalOf(join(root, "big.ini"))).rule).toBe("too_large");
  });

  it("should refuse another file than the one checked, by identity", async () => {
    const outsideStats = await stat(join(outside, "x.ini"));
    expect(await refusalOf(join(root, "x.ini"), { expected: { dev: outsideStats.dev, ino: outsideStats.ino } })).toMatchObject({
      rule: "changed_during_read",
      message: expect.stringMatching(/another file is now at its path/),
    });
  });

  it("should refuse a path that is not a real path, so a caller that skipped realpath cannot be led outside", async () => {
    expect((await refusalOf(`${root}/./x.ini`)).rule).toBe("changed_during_read");
    expect((await refusalOf(`${root}//x.ini`)).rule).toBe("changed_during_read");
  });
});

// Last in the file, so it runs after every refusal above.
describe("the sandbox after the attack suite", () => {
  it("should be exactly as before: not one path, byte, mtime or mode changed, inside the roots or out", async () => {
    const after = await snapshotTree(sandbox);
    expect(Object.keys(after).length).toBeGreaterThan(30);
    expect(after).toStrictEqual(before);
  });
});
