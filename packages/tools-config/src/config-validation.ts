import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommandTimeoutError, type ConfigTarget, type ConfigValidatorKind, TIMEOUTS, type ToolContext, ToolFailureError, validatorConfinement } from "@mc/core";
import { parse as parseIni } from "ini";
import { parse as parseToml } from "smol-toml";

/** The verdict of a target's validator on new content. */
export interface ValidationResult {
  /** Whether the content may be written. */
  ok: boolean;
  /** Which validator ran. */
  validator: ConfigValidatorKind;
  /** Why it is invalid; for a valid result, a command validator's warnings, if it printed any. */
  message?: string;
}

/** Whose content is being validated. */
export interface ValidationOptions {
  /**
   * The content has not been approved by a human (a pre-queue check). A command validator then
   * runs only where validators run confined or unprivileged; on a host where it would run as
   * root it is skipped (`skipped` in the result), since it runs again after approval.
   */
  unapproved?: boolean;
}

/** A verdict, and whether a command validator was skipped for want of confinement. */
export interface ValidationVerdict extends ValidationResult {
  /** The command validator did not run (unapproved content, no confinement on this host). */
  skipped?: boolean;
}

const INI_SECTION = /^\[[^\]]+\]\s*(?:[;#].*)?$/;
const INI_KEY_VALUE = /^[^=[;#\s][^=]*=/;

/**
 * `ini_parse`. The `ini` package accepts almost any text (a stray line becomes a key set to
 * true), so each line is first held to the shape mc accepts: blank, a `;`/`#` comment, a
 * `[section]`, or `key = value` with a non-empty key. A bare word or an unclosed `[section` is
 * invalid. Then `ini` must parse it.
 */
function validateIni(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      if (!INI_SECTION.test(line)) return `line ${index + 1}: "${line.slice(0, 80)}" is not a valid [section] header`;
      continue;
    }
    if (!INI_KEY_VALUE.test(line)) return `line ${index + 1}: "${line.slice(0, 80)}" is neither a [section], a key = value pair, a comment nor blank`;
  }
  try {
    parseIni(text);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

function validateJson(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function validateToml(text: string): string | undefined {
  try {
    parseToml(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Runs the target's validator command on a copy of the content. The copy keeps the file's name
 * (systemd-analyze, for one, judges a unit by its name) in a fresh directory, removed afterwards.
 * `{path}` in any argument is replaced by the copy's path; mentions of the copy in the output are
 * shown as the real path. Exit 0 is valid (its output kept as warnings); any other exit, a signal
 * or the time limit is invalid.
 *
 * Where the probe found `confined` (root), the validator runs as uid 65534 with no network,
 * behind the confinement wrapper, and the copy lives under the scratch dir (the temp dir by
 * default) in a root-owned 0755 directory of its own, mode 0644: readable by the validator,
 * writable by nobody but root, next to nothing else. Otherwise (unprivileged, or unconfined and
 * approved) the copy stays private under `<state>/config-validate-XXXXXX/`.
 */
async function validateWithCommand(
  target: ConfigTarget,
  name: string,
  realPath: string,
  content: Uint8Array,
  context: ToolContext,
  options: ValidationOptions,
): Promise<{ ok: boolean; message?: string; skipped?: boolean }> {
  const command = target.validatorCommand ?? [];
  const [program, ...args] = command;
  if (program === undefined) throw new ToolFailureError(`config target "${target.name}" uses the command validator but has no validator_command`);
  const confinement = await validatorConfinement(context.runner);
  if (options.unapproved === true && !confinement.unapprovedContentAllowed) return { ok: true, skipped: true };
  const confined = confinement.mode === "confined";
  let directory: string;
  if (confined) {
    const scratch = context.scratchDir ?? tmpdir();
    directory = await mkdtemp(join(scratch, "mc-validate-"));
  } else {
    await mkdir(context.stateDir, { recursive: true, mode: 0o700 });
    directory = await mkdtemp(join(context.stateDir, "config-validate-"));
  }
  try {
    const copy = join(directory, name);
    await writeFile(copy, content, { mode: 0o600, flag: "wx" });
    if (confined) {
      // Readable (not writable) by the confined user; the directory holds nothing else.
      await chmod(copy, 0o644);
      await chmod(directory, 0o755);
    }
    const argv = [...args.map((argument) => argument.replaceAll("{path}", copy))];
    const [file, ...rest] = [...confinement.wrapper, program.replaceAll("{path}", copy), ...argv] as [string, ...string[]];
    // The policy's timeout_s for the calling tool, else 10 s.
    const timeoutMs = context.timeoutMs ?? TIMEOUTS.action;
    let result;
    try {
      result = await context.runner.run(file, rest, { timeoutMs, signal: context.signal });
    } catch (error) {
      if (CommandTimeoutError.isInstance(error)) {
        return { ok: false, message: `validator "${command.join(" ")}" timed out after ${timeoutMs / 1000} s (the tool's timeout_s) and was killed` };
      }
      throw error;
    }
    const output = (result.stderr.trim() || result.stdout.trim()).replaceAll(copy, realPath).replaceAll(directory, "<validation copy>");
    // Exit 0 with output: accepted, with its warnings (systemd-analyze warns of unknown sections).
    if (result.exitCode === 0) return output === "" ? { ok: true } : { ok: true, message: output };
    const status = result.exitCode === null ? "was killed" : `exited with status ${result.exitCode}`;
    return { ok: false, message: `${program} ${status}: ${output || "(no output)"}` };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Checks new content with the target's validator.
 * @param target - the file's config target
 * @param name - the file's name (kept for command validators)
 * @param realPath - the file's real path (for messages)
 * @param content - the new bytes
 * @param context - the tool context (runner, state dir, scratch dir)
 * @param options - `unapproved` for content no human approved yet
 * @returns ok, or the validator's message; `skipped` when a command validator could not run confined
 * @throws ToolFailureError when the validator itself cannot run (missing program, bad config)
 */
export async function validateConfigContent(
  target: ConfigTarget,
  name: string,
  realPath: string,
  content: Uint8Array,
  context: ToolContext,
  options: ValidationOptions = {},
): Promise<ValidationVerdict> {
  let message: string | undefined;
  if (target.validator === "command") {
    const verdict = await validateWithCommand(target, name, realPath, content, context, options);
    return {
      ok: verdict.ok,
      validator: "command",
      ...(verdict.message === undefined ? {} : { message: verdict.message }),
      ...(verdict.skipped === true ? { skipped: true } : {}),
    };
  } else {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(content);
    } catch {
      return { ok: false, validator: target.validator, message: "content is not valid UTF-8" };
    }
    if (target.validator === "ini_parse") message = validateIni(text);
    else if (target.validator === "json_parse") message = validateJson(text);
    else if (target.validator === "toml_parse") message = validateToml(text);
    else throw new ToolFailureError(`config target "${target.name}" names an unknown validator "${String(target.validator)}"`);
  }
  return message === undefined ? { ok: true, validator: target.validator } : { ok: false, validator: target.validator, message };
}
