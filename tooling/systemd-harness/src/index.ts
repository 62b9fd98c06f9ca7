/**
 * @mc/systemd-harness — test-only: a real systemd (Debian bookworm, systemd 252) in a
 * systemd-nspawn container, and a command prefix that runs mc's commands inside it.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { HarnessError } from "./errors/harness-error.js";
export { HarnessUnavailableError } from "./errors/harness-unavailable-error.js";
export { WaitTimeoutError } from "./errors/wait-timeout-error.js";
export { parseHarnessEnv } from "./harness-env.js";
export { harnessForTests } from "./harness-for-tests.js";
export { harnessRequired } from "./harness-required.js";
export { harnessScripts } from "./harness-scripts.js";
export { DEFAULT_MACHINE, startHarness } from "./start-harness.js";
export type { HarnessExecOptions, HarnessExecResult, HarnessHandle, HarnessOptions, HarnessUnavailable } from "./start-harness.js";
export { stopHarness } from "./stop-harness.js";
export { useHarnessInTests } from "./use-harness-in-tests.js";
export type { HarnessInTests } from "./use-harness-in-tests.js";
export { waitFor } from "./wait-for.js";
export type { WaitForOptions } from "./wait-for.js";
