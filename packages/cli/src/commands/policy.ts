import { mkdir, open } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { checkPolicyFile, policyTemplate } from "@mc/policy";
import { setExitCode } from "../cli.js";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";

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
  await runtime.close();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
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
  emit(io, options, { ok: true, path }, () => `wrote ${path}\ncheck it with: mc policy check ${path}`);
}

/**
 * `mc policy check [FILE]`: loads a policy file and prints its diagnostics; exit 1 on any error.
 * @param io - streams
 * @param options - global options
 * @param file - the file (default: the policy path)
 */
export async function policyCheckCommand(io: CliIo, options: Options, file: string | undefined): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  const path = resolve(file ?? runtime.paths.policyPath);
  const tools = runtime.listTools().map((tool) => ({ name: tool.name, risk: tool.risk }));
  const stateDir = runtime.paths.stateDir;
  await runtime.close();
  const diagnostics = await checkPolicyFile(path, { stateDir, tools });
  emit(io, options, diagnostics, () =>
    [
      ...diagnostics.errors.map((error) => `error: ${error.message}`),
      ...diagnostics.warnings.map((warning) => `warning: ${warning.message}`),
      diagnostics.ok ? `${path}: ok` : `${path}: ${diagnostics.errors.length} error(s); with this file every tool is denied`,
    ].join("\n"),
  );
  if (!diagnostics.ok) setExitCode(EXIT.failed);
}
