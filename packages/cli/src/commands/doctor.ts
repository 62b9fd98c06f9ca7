import { setExitCode } from "../cli.js";
import { EXIT } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { terminalCell, terminalLines, terminalMessage, terminalText } from "../terminal-text.js";

/**
 * `mc doctor`: prints every check; exits 1 when one failed.
 * @param io - streams
 * @param options - global options
 */
export async function doctorCommand(io: CliIo, options: GlobalOptions & { stateDir?: string; policy?: string }): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const report = await runtime.doctor();
    emit(io, options, report, () =>
      terminalLines([
        ...report.checks.map((check) => terminalText`${check.ok ? "ok  " : check.severity === "warning" ? "warn" : "FAIL"}  ${terminalCell(check.name, 12)} ${terminalMessage(check.message)}`),
        terminalText``,
        report.ok ? terminalText`doctor: ok` : terminalText`doctor: NOT OK`,
      ]),
    );
    if (!report.ok) setExitCode(EXIT.failed);
  } finally {
    await runtime.close();
  }
}
