import { setExitCode } from "../cli.js";
import { EXIT } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";

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
      [
        ...report.checks.map((check) => `${check.ok ? "ok  " : check.severity === "warning" ? "warn" : "FAIL"}  ${check.name.padEnd(12)} ${check.message}`),
        "",
        report.ok ? "doctor: ok" : "doctor: NOT OK",
      ].join("\n"),
    );
    if (!report.ok) setExitCode(EXIT.failed);
  } finally {
    await runtime.close();
  }
}
