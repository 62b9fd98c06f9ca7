import { readdir, readFile } from "node:fs/promises";
import { defineTool, InputError, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { systemdCgroupPath, unitsOfCgroup } from "./cgroup-unit.js";
import { wholeNumberSchema } from "./whole-number.js";

/** Highest pid Linux hands out (PID_MAX_LIMIT). */
const PID_MAX = 4_194_304;

/** One process mapped onto its unit. */
export const processUnitSchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1), v.description("Process id.")),
  command: v.pipe(v.string(), v.description("Command name (comm).")),
  cgroup: v.pipe(v.string(), v.description("The process's systemd cgroup path.")),
  unit: v.pipe(v.nullable(v.string()), v.description("Unit of the system manager that owns it (user@UID.service for a user's processes); null if none.")),
  scope: v.pipe(v.picklist(["system", "user"]), v.description("user when a user manager runs it.")),
  user_unit: v.pipe(v.optional(v.string()), v.description("In user scope: the unit of the user manager.")),
});

/** Output of `process_to_unit`. */
export const processToUnitOutputSchema = v.object({
  processes: v.array(processUnitSchema),
  truncated: v.pipe(v.boolean(), v.description("More processes matched the name than `limit`.")),
});

const pidSchema = wholeNumberSchema(1, PID_MAX, "Process id to look up.");

const processNameSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(15, "must be at most 15 characters (the kernel's comm length)"),
  v.regex(/^[A-Za-z0-9_.:@+][A-Za-z0-9_.:@+-]*$/, "may contain only ASCII letters, digits and _ . : @ + - (not first)"),
  v.description("Exact command name (comm, as ps shows it) to look up instead of a pid."),
);

/**
 * Reads one process's command name and cgroup and maps it to units.
 * @param pid - process id
 * @returns the mapping, or undefined when the process is gone
 */
async function describeProcess(pid: number): Promise<v.InferOutput<typeof processUnitSchema> | undefined> {
  let command: string;
  let cgroupText: string;
  try {
    [command, cgroupText] = await Promise.all([readFile(`/proc/${pid}/comm`, "utf8"), readFile(`/proc/${pid}/cgroup`, "utf8")]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ESRCH") {
      return undefined;
    }
    throw new ToolFailureError(`Could not read /proc/${pid}: ${(error as Error).message}`, { cause: error });
  }
  const cgroup = systemdCgroupPath(cgroupText) ?? "/";
  const units = unitsOfCgroup(cgroup);
  return {
    pid,
    command: command.trimEnd(),
    cgroup,
    unit: units.unit,
    scope: units.scope,
    ...(units.userUnit === undefined ? {} : { user_unit: units.userUnit }),
  };
}

/**
 * `process_to_unit`: which systemd unit a process belongs to, from /proc/PID/cgroup. Reads the
 * /proc of the host mc runs on (no command is started, so a runner prefix does not apply).
 */
export const processToUnitTool = defineTool({
  name: "process_to_unit",
  title: "Process to unit",
  description:
    "Finds the systemd unit that runs a process, from /proc/PID/cgroup: give `pid`, or `name` (exact command " +
    "name as ps shows it) with `limit` (default 3, 1–20). For a user's process, scope is 'user', unit is " +
    "user@UID.service and user_unit the unit inside that user's manager.",
  risk: "read_only",
  input: v.pipe(
    v.strictObject({
      pid: v.optional(pidSchema),
      name: v.optional(processNameSchema),
      limit: v.optional(wholeNumberSchema(1, 20, "With name: how many matching processes (1–20, default 3)."), 3),
    }),
    v.forward(
      v.check((input) => (input.pid === undefined) !== (input.name === undefined), "give exactly one of pid and name"),
      ["pid"],
    ),
  ),
  output: processToUnitOutputSchema,
  async run(input) {
    if (input.pid !== undefined) {
      const found = await describeProcess(input.pid);
      if (found === undefined) {
        throw new InputError(`Invalid arguments for process_to_unit: pid: no process ${input.pid}`, [{ path: "pid", message: `no process ${input.pid}` }]);
      }
      return { processes: [found], truncated: false };
    }
    const pids = (await readdir("/proc"))
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .sort((left, right) => left - right);
    const processes: v.InferOutput<typeof processUnitSchema>[] = [];
    let truncated = false;
    for (const pid of pids) {
      let command: string;
      try {
        command = (await readFile(`/proc/${pid}/comm`, "utf8")).trimEnd();
      } catch {
        continue; // exited while we looked
      }
      if (command !== input.name) continue;
      if (processes.length === input.limit) {
        truncated = true;
        break;
      }
      const found = await describeProcess(pid);
      if (found !== undefined) processes.push(found);
    }
    return { processes, truncated };
  },
});
