import { isatty } from "node:tty";
import { Command, CommanderError, Option } from "commander";
import { EXIT, ExitError } from "./exit-error.js";
import { terminalIo, writeExact, type CliIo, type GlobalOptions } from "./io.js";
import { toJsonOutput } from "./json-output.js";
import { escapeTerminalText } from "./terminal-text.js";
import { VERSION } from "./version.js";

/**
 * Runs `mc` with `argv` (without node and script) and returns the exit code. Prints to `given`'s
 * streams, with every control, bidi and invisible format character escaped except in `--json`
 * output; never calls process.exit, so tests can run it in-process.
 * @param argv - the arguments after `mc`
 * @param given - streams and environment; defaults to the process's
 * @returns the exit code: 0 ok, 1 denied/failed, 2 usage, 3 pending approval
 */
export async function main(argv: readonly string[], given: CliIo = processIo()): Promise<number> {
  // Every human write, from any command or from commander, is escaped on its way out.
  const io = terminalIo(given);
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    if (code !== undefined) exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    const json = argv.includes("--json");
    if (error instanceof CommanderError) {
      // Help and version are printed by commander and end with code 0.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT.ok;
      if (json) writeJsonError(io, { code: "usage", message: error.message.replace(/^error: /, "") });
      return EXIT.usage;
    }
    if (error instanceof ExitError) {
      if (json) writeJsonError(io, { code: exitName(error.exitCode), message: error.message, ...error.data });
      else if (error.message) io.stderr.write(`mc: ${escapeTerminalText(error.message, "line")}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json) writeJsonError(io, { code: "internal_error", message });
    io.stderr.write(`mc: internal error: ${escapeTerminalText(message, "line")}\n`);
    return EXIT.failed;
  }
}

/**
 * An error under `--json`, in the shape of a tool's error result (`ok: false`, `status: "error"`,
 * `code`, `message`, snake_case keys), so a program reads every failure the same way.
 * @param io - streams
 * @param error - code, message and any data
 */
function writeJsonError(io: CliIo, error: { code: string; message: string } & Record<string, unknown>): void {
  writeExact(io.stdout, `${JSON.stringify(toJsonOutput({ ok: false, status: "error", ...error }), null, 2)}\n`);
}

function exitName(code: number): string {
  return code === EXIT.usage ? "usage" : code === EXIT.pending ? "approval_required" : "failed";
}

function processIo(): CliIo {
  // process.stdin is a stream made when first read (~2 ms): only a command that asks reads it.
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTty: isatty(0),
    get stdin() {
      return process.stdin;
    },
  };
}

/**
 * Builds the command tree. A command ends `mc` by returning its exit code (or nothing, for 0) or
 * by throwing an ExitError; `finish` hands a returned code to this run of `main` alone.
 */
function buildProgram(io: CliIo, finish: (code: number | void) => void): Command {
  const program = new Command("mc")
    .description("mc: policy-governed operations for this Linux host, for AI agents (MCP) and people")
    .version(VERSION, "-V, --version", "print the version")
    .option("--json", "print JSON (every command)")
    .addOption(new Option("--state-dir <dir>", "state directory (default $MC_STATE_DIR or ~/.local/state/master-control)"))
    .addOption(new Option("--policy <file>", "policy file (default $MC_POLICY_PATH or <state>/policy.toml)"))
    .showHelpAfterError("(run mc --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  const globals = (): GlobalOptions & { stateDir?: string; policy?: string } => program.opts();

  program
    .command("doctor")
    .description("check the policy, state dir, database, audit chain and systemd commands")
    .action(async () => finish(await (await import("./commands/doctor.js")).doctorCommand(io, globals())));

  program
    .command("tools")
    .description("list the tools with their risk and what the policy says of them")
    .action(async () => finish(await (await import("./commands/tools.js")).toolsCommand(io, globals())));

  program
    .command("tool")
    .description("run one tool")
    .argument("<name>", "tool name (see mc tools)")
    .option("--arg <key=value>", "a tool argument (repeatable)", collect, [] as string[])
    .option("--json-args <json>", "all arguments as one JSON object")
    .option("--yes", "approve this call yourself as the operator at this terminal")
    .option("--wait <seconds>", "if it needs approval, wait up to this many seconds (0-600) for a human to decide, then run it")
    .action(async (name: string, options: { arg: string[]; jsonArgs?: string; yes?: boolean; wait?: string }) =>
      finish(await (await import("./commands/tool.js")).toolCommand(io, globals(), name, options)),
    );

  const policy = program.command("policy").description("write or check a policy file");
  policy
    .command("init")
    .description("write a commented policy template")
    .option("--path <file>", "where to write it (default: the policy path)")
    .option("--force", "overwrite an existing file")
    .action(async (options: { path?: string; force?: boolean }) =>
      finish(await (await import("./commands/policy.js")).policyInitCommand(io, globals(), options)),
    );
  policy
    .command("check")
    .description("validate a policy file (default: the policy path)")
    .argument("[file]", "policy file")
    .action(async (file: string | undefined) => finish(await (await import("./commands/policy.js")).policyCheckCommand(io, globals(), file)));
  policy
    .command("install")
    .description("check a policy file and atomically replace the policy with it (refused if it has errors)")
    .argument("<file>", "the new policy")
    .action(async (file: string) => finish(await (await import("./commands/policy.js")).policyInstallCommand(io, globals(), file)));
  policy
    .command("edit")
    .description("edit the policy visudo-style: a checked copy in $VISUAL/$EDITOR (default vi), installed atomically")
    .action(async () => finish(await (await import("./commands/policy.js")).policyEditCommand(io, globals())));

  const approvals = program.command("approvals").description("list, inspect, approve or reject approval requests");
  approvals
    .command("list")
    .description("list approval requests (newest first)")
    .option("--status <status>", "only this status (pending, approved, executing, completed, failed, rejected, expired)")
    .option("--limit <n>", "at most this many", "50")
    .option("--host <id>", "only this host's requests (a fleet store holds every host's)")
    .action(async (options: { status?: string; limit: string; host?: string }) =>
      finish(await (await import("./commands/approvals.js")).approvalsListCommand(io, globals(), options)),
    );
  approvals
    .command("show")
    .argument("<id>", "approval id")
    .description("show one approval request")
    .action(async (id: string) => finish(await (await import("./commands/approvals.js")).approvalsShowCommand(io, globals(), id)));
  approvals
    .command("approve")
    .argument("<id>", "approval id")
    .option("--note <text>", "why")
    .option("--yes", "do not ask (at a terminal, approve asks y/N after showing the request)")
    .description("show a pending request, ask, and approve it (a waiting call then runs; otherwise the client repeats its call with approval_id)")
    .action(async (id: string, options: { note?: string; yes?: boolean }) =>
      finish(await (await import("./commands/approvals.js")).approvalsDecideCommand(io, globals(), id, "approve", options)),
    );
  approvals
    .command("reject")
    .argument("<id>", "approval id")
    .option("--note <text>", "why")
    .description("reject a pending request")
    .action(async (id: string, options: { note?: string }) =>
      finish(await (await import("./commands/approvals.js")).approvalsDecideCommand(io, globals(), id, "reject", options)),
    );
  approvals
    .command("watch")
    .description("print pending requests as they arrive, with the command that approves each (Ctrl-C to stop)")
    .option("--interval <seconds>", "how often to look (1-60)", "1")
    .action(async (options: { interval: string }) => finish(await (await import("./commands/approvals.js")).approvalsWatchCommand(io, globals(), options)));

  const audit = program.command("audit").description("list or verify the audit journal");
  const auditList = (options: { tool?: string; outcome?: string; caller?: string; host?: string; limit: string; since?: string; until?: string }) =>
    import("./commands/audit.js").then(async (module) => finish(await module.auditListCommand(io, globals(), options)));
  audit
    .command("list", { isDefault: true })
    .description("list audit events (newest first)")
    .option("--tool <name>", "only this tool")
    .option("--outcome <outcome>", "only this outcome (ok, denied, pending, failed, error)")
    .option("--caller <kind>", "only this caller kind (cli, mcp, embedded, http)")
    .option("--host <id>", "only this host's events (a fleet store holds every host's chain)")
    .option("--since <time>", "only events at or after this time: ISO (2026-12-01T10:00:00Z) or an age (90s, 15m, 1h, 2d, 1w)")
    .option("--until <time>", "only events at or before this time, as --since")
    .option("--limit <n>", "at most this many", "50")
    .action(auditList);
  audit
    .command("verify")
    .description("check the hash chain (in a fleet store every host's, or --host's): exit 1 if any event was changed or deleted")
    .option("--host <id>", "only this host's chain")
    .action(async (options: { host?: string }) => finish(await (await import("./commands/audit.js")).auditVerifyCommand(io, globals(), options)));

  const config = program.command("config").description("managed config files");
  config
    .command("backups")
    .description("list the backups of a managed config file (ids for restore_config_backup)")
    .argument("<path>", "the config file")
    .option("--target <name>", "config target, when the path alone is ambiguous")
    .action(async (path: string, options: { target?: string }) =>
      finish(await (await import("./commands/config.js")).configBackupsCommand(io, globals(), path, options)),
    );

  const mcp = program.command("mcp").description("serve MCP");
  mcp
    .command("serve")
    .description("serve MCP over stdio (for Claude Desktop, VS Code, Cursor and other clients), or over Streamable HTTP with --http")
    .option("--http <host:port>", "serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (e.g. 127.0.0.1:8765)")
    .option("--token-file <path>", "file holding the bearer token every HTTP request must carry (default $MC_HTTP_TOKEN)")
    .option("--allow-origin <origin...>", "browser origins allowed to call the HTTP endpoint (default: none)")
    .option("--allow-remote", "allow a --http host that is not loopback")
    .action(async (options: { http?: string; tokenFile?: string; allowOrigin?: string[]; allowRemote?: boolean }) =>
      finish(await (await import("./commands/mcp.js")).mcpServeCommand(io, { ...globals(), ...options })),
    );

  for (const command of [program, ...program.commands, ...program.commands.flatMap((child) => child.commands)]) {
    command.exitOverride().configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  }
  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
