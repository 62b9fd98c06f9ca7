import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { checkPolicyFile, installPolicy, policyTemplate, readPolicyFile, type InstallPolicyResult, type PolicyDiagnostics } from "@mc/policy";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { terminalLines, terminalMessage, terminalText, type TerminalText } from "../terminal-text.js";
import type { RiskLevel } from "@mc/core";

type Options = GlobalOptions & { stateDir?: string; policy?: string };

/**
 * `mc policy init`: writes the commented template (never over an existing file without --force).
 * @param io - streams
 * @param options - global options
 * @param initOptions - `--path`, `--force`
 */
export async function policyInitCommand(io: CliIo, options: Options, initOptions: { path?: string; force?: boolean }): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  const path = resolve(initOptions.path ?? runtime.paths.policyPath);
  const tools = runtime.listTools().map((tool) => ({ name: tool.name, risk: tool.risk }));
  const stateDir = runtime.paths.stateDir;
  await runtime.close();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // The template's managed_ini/managed_json targets live here: a fresh template must load
  // without "root does not exist" warnings.
  await mkdir(join(stateDir, "managed-configs"), { recursive: true, mode: 0o700 });
  let handle;
  try {
    // O_EXCL unless --force: a policy an operator wrote is never overwritten by accident.
    handle = await open(path, initOptions.force ? "w" : "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new ExitError(EXIT.failed, `${path} already exists; use --force to overwrite it`);
    }
    throw new ExitError(EXIT.failed, `cannot write ${path}: ${(error as Error).message}`);
  }
  try {
    await handle.writeFile(policyTemplate({ tools }), "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  emit(io, options, { ok: true, path }, () => terminalText`wrote ${path}\ncheck it with: mc policy check ${path}`);
}

/**
 * `mc policy check [FILE]`: loads a policy file and prints its diagnostics; exit 1 on any error.
 * @param io - streams
 * @param options - global options
 * @param file - the file (default: the policy path)
 * @returns the exit code: 0, or 1 when the check does not pass
 */
export async function policyCheckCommand(io: CliIo, options: Options, file: string | undefined): Promise<number> {
  const runtime = runtimeFromOptions(io, options);
  const path = resolve(file ?? runtime.paths.policyPath);
  const tools = runtime.listTools().map((tool) => ({ name: tool.name, risk: tool.risk }));
  const stateDir = runtime.paths.stateDir;
  await runtime.close();
  const diagnostics = checkPolicyFile(path, { stateDir, tools });
  emit(io, options, diagnostics, () =>
    terminalLines([
      ...diagnosticsLines(diagnostics),
      diagnostics.ok ? terminalText`${path}: ok` : terminalText`${path}: ${diagnostics.errors.length} error(s); with this file every tool is denied`,
    ]),
  );
  return diagnostics.ok ? EXIT.ok : EXIT.failed;
}

/** Where a policy goes and what the check needs, from the global options. */
async function policyTarget(io: CliIo, options: Options): Promise<{ path: string; stateDir: string; tools: { name: string; risk: RiskLevel }[] }> {
  const runtime = runtimeFromOptions(io, options);
  const target = {
    path: runtime.paths.policyPath,
    stateDir: runtime.paths.stateDir,
    tools: runtime.listTools().map((tool) => ({ name: tool.name, risk: tool.risk })),
  };
  await runtime.close();
  return target;
}

// A diagnostic's message is mc's own sentence with the file's values JSON-quoted; each is still
// escaped as one line, so a newline in a value can never start a line that reads as mc's.
function diagnosticsLines(diagnostics: PolicyDiagnostics): TerminalText[] {
  return [
    ...diagnostics.errors.map((error) => terminalText`error: ${terminalMessage(error.message)}`),
    ...diagnostics.warnings.map((warning) => terminalText`warning: ${terminalMessage(warning.message)}`),
  ];
}

function diagnosticsText(diagnostics: PolicyDiagnostics): string[] {
  return [...diagnostics.errors.map((error) => `error: ${error.message}`), ...diagnostics.warnings.map((warning) => `warning: ${warning.message}`)];
}

function reportInstalled(io: CliIo, options: Options, result: Extract<InstallPolicyResult, { installed: true }>): void {
  emit(io, options, { ok: true, path: result.path, sha256: result.sha256, warnings: result.diagnostics.warnings }, () =>
    terminalLines([
      ...diagnosticsLines(result.diagnostics),
      terminalText`installed ${result.path} (sha256 ${result.sha256.slice(0, 12)}…); it applies to the next call`,
    ]),
  );
}

function notInstalled(result: Extract<InstallPolicyResult, { installed: false }>): ExitError {
  const details = result.reason === "invalid" ? diagnosticsText(result.diagnostics) : [];
  return new ExitError(EXIT.failed, [...details, result.message].join("\n"), { reason: result.reason, diagnostics: result.diagnostics });
}

/**
 * `mc policy install FILE`: checks FILE with the runtime's loader and, only if it has no error,
 * replaces the policy (the `--policy`/`MC_POLICY_PATH` target) atomically: temp file in the same
 * directory, fsync, rename, fsync of the directory. An existing policy keeps its mode and owner;
 * a new one is created 0600.
 * @param io - streams
 * @param options - global options
 * @param file - the new policy
 */
export async function policyInstallCommand(io: CliIo, options: Options, file: string): Promise<void> {
  const target = await policyTarget(io, options);
  const source = readPolicyFile(resolve(file), { explicit: true });
  if (source.kind !== "read") {
    const message = source.kind === "refused" ? source.diagnostic.message : `${resolve(file)}: no such file`;
    throw new ExitError(EXIT.failed, `${message}; the policy is unchanged`);
  }
  const result = installPolicy({ ...target, content: source.bytes });
  if (!result.installed) throw notInstalled(result);
  reportInstalled(io, options, result);
}

/**
 * Splits $VISUAL/$EDITOR into argv without a shell: words are separated by blanks; single quotes
 * keep everything literally, double quotes keep blanks, a backslash (outside single quotes) keeps
 * the next character. Nothing is expanded ($, ~, globs, ;, |, backticks stay plain characters).
 * @param command - the editor setting, e.g. `code --wait` or `"/opt/my editor/bin/ed" -n`
 * @returns argv (at least one word)
 * @throws ExitError for an empty setting or an unclosed quote
 */
export function editorArgv(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < command.length; index += 1) {
    const char = command[index] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (char === "\\" && index + 1 < command.length) {
      index += 1;
      word = (word ?? "") + command[index];
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote !== undefined) throw new ExitError(EXIT.usage, `the editor setting ${JSON.stringify(command)} has an unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw new ExitError(EXIT.usage, "the editor setting ($VISUAL or $EDITOR) is empty");
  return words;
}

/**
 * `mc policy edit`, visudo-style: copies the policy (or the template when there is none) to a
 * private temp file, runs $VISUAL, $EDITOR or `vi` on it with the terminal attached (argv, no
 * shell), checks the result, and installs it atomically. On errors it offers to edit again (at a
 * terminal) or fails; it refuses when the policy changed meanwhile. The policy is never left
 * half-written, and the temp file is always removed.
 * @param io - streams
 * @param options - global options
 */
export async function policyEditCommand(io: CliIo, options: Options): Promise<void> {
  const target = await policyTarget(io, options);
  const current = readPolicyFile(target.path, { explicit: false });
  if (current.kind === "refused") throw new ExitError(EXIT.failed, `${current.diagnostic.message}; fix or remove it first`);
  const original = current.kind === "read" ? current.bytes : Buffer.from(policyTemplate({ tools: target.tools }), "utf8");
  const expectedSha256 = current.kind === "read" ? createHash("sha256").update(current.bytes).digest("hex") : null;
  const argv = editorArgv(io.env.VISUAL || io.env.EDITOR || "vi");

  const directory = mkdtempSync(join(tmpdir(), "mc-policy-edit-"));
  try {
    const copy = join(directory, "policy.toml");
    writeFileSync(copy, original, { mode: 0o600 });
    for (;;) {
      // The editor needs the terminal: the command runner closes stdin and captures output, so
      // this one child is spawned directly — still argv only, never a shell.
      const run = spawnSync(argv[0] as string, [...argv.slice(1), copy], { stdio: "inherit", env: { ...io.env } });
      if (run.error) throw new ExitError(EXIT.failed, `cannot run the editor ${JSON.stringify(argv[0])}: ${run.error.message}; the policy is unchanged`);
      if (run.status !== 0)
        throw new ExitError(
          EXIT.failed,
          `the editor exited with ${run.status === null ? `signal ${run.signal}` : `status ${run.status}`}; the policy is unchanged`,
        );
      const edited = readFileSync(copy);
      if (current.kind === "read" && edited.equals(original)) {
        emit(io, options, { ok: true, path: target.path, changed: false }, () => terminalText`${target.path}: no changes`);
        return;
      }
      const result = installPolicy({ ...target, content: edited, expectedSha256 });
      if (result.installed) {
        reportInstalled(io, options, result);
        return;
      }
      if (result.reason !== "invalid" || !io.stdinIsTty) throw notInstalled(result);
      io.stderr.write(`${terminalLines([...diagnosticsLines(result.diagnostics), terminalMessage(result.message)]).text}\n`);
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = (await prompt.question("What now? (e)dit again, e(x)it without saving [e]: ")).trim().toLowerCase();
      prompt.close();
      if (answer === "x" || answer === "q") throw new ExitError(EXIT.failed, `${target.path}: the policy is unchanged`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
