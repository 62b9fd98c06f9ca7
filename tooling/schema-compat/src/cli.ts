import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { McError } from "@mc/core";
import { checkCompatibility, type PackageCompatibility } from "./check-compatibility.js";
import { compareSnapshots } from "./compare-snapshots.js";
import { loadToolsModule } from "./load-tools-module.js";
import { readPendingBumps } from "./pending-bumps.js";
import { readSnapshot, writeSnapshot } from "./snapshot-file.js";
import { stableStringify } from "./stable-json.js";
import { buildSnapshot } from "./tool-snapshot.js";

/** Where the CLI writes; the tests pass their own. */
export interface CliIo {
  /** Receives results. */
  stdout: (text: string) => void;
  /** Receives problems and usage. */
  stderr: (text: string) => void;
  /** The directory relative paths resolve against. */
  cwd: string;
}

const USAGE = `Usage:
  mc-schema-compat check  --package NAME --snapshot PATH --tools-module PATH --export NAME [--root DIR] [--changeset-dir DIR] [--json]
  mc-schema-compat update --package NAME --snapshot PATH --tools-module PATH --export NAME [--root DIR] [--changeset-dir DIR] [--force]

  --package        npm name of the package, as changesets names it (e.g. @mc/tools-systemd)
  --snapshot       the committed snapshot, e.g. schemas/tools.json
  --tools-module   the package's built entry, e.g. dist/index.js
  --export         the named export holding the array of tool definitions
  --root           workspace root (default: the nearest directory above with a .changeset folder)
  --changeset-dir  pending changesets (default: <root>/.changeset)
  A repeated flag takes its last value, so \`pnpm run schemas:check --changeset-dir DIR\` overrides the script's.

check   compares the snapshot with the current tools; fails (exit 1) when the pending changesets
        do not bump the package as much as the changes need, or the snapshot is out of date.
update  writes the snapshot of the current tools. It refuses while a pending changeset still
        bumps the package: the snapshot is the released contract, updated after \`changeset version\`.
        --force overrides that.
Exit codes: 0 pass, 1 check failed, 2 usage or input error.`;

class UsageError extends Error {}

/**
 * Runs `mc-schema-compat` with the given arguments.
 * @param argv - the arguments after the program name
 * @param io - output streams and working directory; default the process's
 * @returns the exit code: 0 pass, 1 check failed, 2 usage or input error
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.stderr(USAGE);
      return 2;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout(USAGE);
      return 0;
    }
    if (command !== "check" && command !== "update") throw new UsageError(`unknown command "${command}"`);
    const options = parseOptions(rest, io.cwd);
    return command === "check" ? await runCheck(options, io) : await runUpdate(options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mc-schema-compat: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (McError.isInstance(error)) {
      io.stderr(`mc-schema-compat: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

interface Options {
  packageName: string;
  snapshotPath: string;
  toolsModule: string;
  exportName: string;
  root: string;
  changesetDir: string;
  json: boolean;
  force: boolean;
}

function parseOptions(args: string[], cwd: string): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        package: { type: "string" },
        snapshot: { type: "string" },
        "tools-module": { type: "string" },
        export: { type: "string" },
        root: { type: "string" },
        "changeset-dir": { type: "string" },
        json: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const required = (name: string): string => {
    const value = values[name];
    if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
    return value;
  };
  const packageName = required("package");
  const snapshotPath = resolve(cwd, required("snapshot"));
  const toolsModule = resolve(cwd, required("tools-module"));
  const exportName = required("export");
  const root = typeof values.root === "string" ? resolve(cwd, values.root) : findRoot(cwd);
  const changesetDir = typeof values["changeset-dir"] === "string" ? resolve(cwd, values["changeset-dir"]) : join(root, ".changeset");
  return {
    packageName,
    snapshotPath,
    toolsModule,
    exportName,
    root,
    changesetDir,
    json: values.json === true,
    force: values.force === true,
  };
}

/** The nearest directory at or above `start` holding `.changeset`; `start` itself when none does. */
function findRoot(start: string): string {
  let directory = resolve(start);
  for (;;) {
    if (existsSync(join(directory, ".changeset"))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return resolve(start);
    directory = parent;
  }
}

async function runCheck(options: Options, io: CliIo): Promise<number> {
  const tools = await loadToolsModule(options.toolsModule, options.exportName);
  const report = await checkCompatibility({
    root: options.root,
    changesetDir: options.changesetDir,
    packages: [{ name: options.packageName, snapshotPath: options.snapshotPath, currentTools: tools }],
  });
  if (options.json) {
    const packages = report.packages.map(({ current: _current, ...rest }) => rest);
    io.stdout(JSON.stringify({ ok: report.ok, packages }, null, 2));
  } else {
    for (const result of report.packages) io.stdout(formatResult(result));
  }
  return report.ok ? 0 : 1;
}

function formatResult(result: PackageCompatibility): string {
  const lines = result.changes.map((change) => `  ${change.bump.padEnd(5)}  ${change.message}`);
  lines.push(`${result.ok ? "PASS" : "FAIL"} ${result.message}`);
  return lines.join("\n");
}

async function runUpdate(options: Options, io: CliIo): Promise<number> {
  const tools = await loadToolsModule(options.toolsModule, options.exportName);
  const current = buildSnapshot(options.packageName, tools);
  if (existsSync(options.snapshotPath)) {
    const committed = await readSnapshot(options.snapshotPath);
    if (stableStringify(committed) === stableStringify(current)) {
      io.stdout(`${options.packageName}: the snapshot ${options.snapshotPath} is up to date`);
      return 0;
    }
    const comparison = compareSnapshots(committed, current);
    for (const change of comparison.changes) io.stdout(`  ${change.bump.padEnd(5)}  ${change.message}`);
    const pending = (await readPendingBumps(options.changesetDir)).get(options.packageName) ?? "none";
    if (pending !== "none" && comparison.changes.length > 0 && !options.force) {
      io.stderr(
        `${options.packageName}: not updating ${options.snapshotPath}: a pending changeset still bumps ` +
          `${options.packageName} (${pending}). The snapshot is the released contract; it is updated after ` +
          "`changeset version` consumes the changesets. Use --force to overwrite it anyway.",
      );
      return 1;
    }
  }
  await writeSnapshot(options.snapshotPath, current);
  const count = Object.keys(current.tools).length;
  io.stdout(`${options.packageName}: wrote ${options.snapshotPath} (${count} tool${count === 1 ? "" : "s"})`);
  return 0;
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
  };
}
