import { EXIT } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { styled, styledLines } from "../terminal-style.js";
import { renderTable } from "../terminal-table.js";
import { terminalMessage } from "../terminal-text.js";

/**
 * `mc doctor`: prints every check; exits 1 when one failed.
 * @param io - streams
 * @param options - global options
 * @returns the exit code: 0, or 1 when the check does not pass
 */
export async function doctorCommand(io: CliIo, options: GlobalOptions & { stateDir?: string; policy?: string }): Promise<number> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const report = await runtime.doctor();
    emit(io, options, report, () =>
      styledLines([
        renderTable(
          [{ header: "status" }, { header: "check" }, { header: "message" }],
          report.checks.map((check) => [
            check.ok ? styled("ok", "green") : check.severity === "warning" ? styled("warn", "yellow") : styled("FAIL", "red"),
            check.name,
            terminalMessage(check.message),
          ]),
        ),
        // What to do about each failed check that has an answer (runtime's DoctorCheck.hint).
        ...report.checks
          .filter((check) => !check.ok && check.hint !== undefined)
          .map((check) => styled(terminalMessage(`hint (${check.name}): ${check.hint ?? ""}`), "yellow")),
        "",
        report.ok ? styled("doctor: ok", "green") : styled("doctor: NOT OK", "red"),
      ]),
    );
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await runtime.close();
  }
}
