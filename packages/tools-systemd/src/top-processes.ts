import { defineTool, TIMEOUTS, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { runChecked } from "./run-checked.js";
import { wholeNumberSchema } from "./whole-number.js";

/** One process as `top_processes` reports it. */
export const processEntrySchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("Process id.")),
  ppid: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("Parent process id.")),
  cpu: v.pipe(v.number(), v.minValue(0), v.description("CPU use in percent (ps %cpu: over the process's lifetime).")),
  mem: v.pipe(v.number(), v.minValue(0), v.description("Resident memory in percent of RAM.")),
  command: v.pipe(v.string(), v.description("Command name (comm, at most 15 characters).")),
});

/** Output of `top_processes`. */
export const topProcessesOutputSchema = v.object({
  processes: v.array(processEntrySchema),
});

/**
 * Parses `ps -eo pid=,ppid=,%cpu=,%mem=,comm=` output; the command name may contain spaces.
 * @param text - ps stdout
 * @returns one entry per well-formed line, in ps order
 */
export function parsePsOutput(text: string): v.InferOutput<typeof processEntrySchema>[] {
  const processes: v.InferOutput<typeof processEntrySchema>[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s(.+)$/.exec(line);
    if (match === null) continue;
    const [, pid, ppid, cpu, mem, command] = match as unknown as [string, string, string, string, string, string];
    processes.push({ pid: Number(pid), ppid: Number(ppid), cpu: Number(cpu), mem: Number(mem), command: command.trim() });
  }
  return processes;
}

/** `top_processes`: the processes using the most CPU, from ps. */
export const topProcessesTool = defineTool({
  name: "top_processes",
  title: "Top processes",
  description:
    "The `limit` processes (default 5, 1–20) using the most CPU, each with pid, parent pid, CPU and memory " +
    "percent and command name. Use process_to_unit to find the systemd unit of a pid.",
  risk: "read_only",
  input: v.strictObject({
    limit: v.optional(wholeNumberSchema(1, 20, "How many processes (1–20, default 5)."), 5),
  }),
  output: topProcessesOutputSchema,
  async run(input, context) {
    const result = await runChecked(context, "ps", ["-eo", "pid=,ppid=,%cpu=,%mem=,comm=", "--sort=-%cpu"], {
      timeoutMs: TIMEOUTS.query,
      purpose: "list processes",
    });
    const processes = parsePsOutput(result.stdout);
    if (processes.length === 0) throw new ToolFailureError("ps listed no processes", { data: { stdout: result.stdout.slice(0, 200) } });
    return { processes: processes.slice(0, input.limit) };
  },
});
