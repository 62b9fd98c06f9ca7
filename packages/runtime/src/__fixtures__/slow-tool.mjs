// A privileged tool that records each run in a marker file, then takes 30 s: long enough to be
// killed in the middle of it.
import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import * as v from "valibot";

/** @type {import("@mc/core").ToolDefinition} */
export const slowTool = {
  name: "slow_change",
  title: "Slow change",
  description: "Records a run, then works for 30 seconds",
  risk: "privileged",
  input: v.strictObject({ target: v.string() }),
  output: v.object({ done: v.boolean() }),
  async run() {
    appendFileSync(process.env.MC_TEST_MARKER, `run by ${process.pid}\n`);
    await sleep(30_000);
    return { done: true };
  },
};
