import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** The process that claimed an approval: enough to tell later whether it is still running. */
export interface ExecutorOwner {
  /** Host name the process runs on. */
  host: string;
  /** Its process id. */
  pid: number;
  /**
   * Its start time in clock ticks since boot (`/proc/<pid>/stat` field 22), so a recycled pid
   * is not mistaken for the owner; `unknown` where /proc is unavailable.
   */
  startTime: string;
}

/**
 * Start time of a process, from `/proc/<pid>/stat` field 22.
 * @param pid - the process id
 * @returns clock ticks since boot as a decimal string, or undefined when the process is gone
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Field 2 (comm) may itself contain spaces and parentheses; fields after its closing
  // parenthesis are plain, and field 3 is the first of them.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[22 - 3];
}

/**
 * The owner to record when this process claims an approval.
 * @returns host, pid and start time of the current process
 */
export function currentOwner(): ExecutorOwner {
  return { host: hostname(), pid: process.pid, startTime: processStartTime(process.pid) ?? "unknown" };
}

/**
 * Whether a claimed approval's owner process, on this host, still runs: same pid and same
 * start time. Without /proc (start time `unknown`), only whether the pid exists.
 * @param owner - the recorded owner
 * @returns false when the owner is certainly gone
 */
export function isOwnerAlive(owner: ExecutorOwner): boolean {
  if (owner.startTime !== "unknown") {
    return processStartTime(owner.pid) === owner.startTime;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
