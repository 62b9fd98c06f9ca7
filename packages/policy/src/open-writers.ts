import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Tells whether any process this one can inspect holds `realPath` open for writing, by walking
 * `/proc/<pid>/fd` and each matching descriptor's `fdinfo` flags. As root that is every process
 * of this PID namespace; without /proc, or for processes it may not inspect (other users, other
 * PID namespaces, other hosts over NFS), it sees nothing. Costs a few milliseconds.
 * @param realPath - the file's canonical path (realpath)
 * @returns true when a writer was seen
 */
export function hasOpenWriters(realPath: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  const deleted = `${realPath} (deleted)`;
  for (const pid of pids) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const descriptor of descriptors) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${descriptor}`);
      } catch {
        continue;
      }
      if (target !== realPath && target !== deleted) continue;
      try {
        const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${descriptor}`, "utf8"))?.[1];
        // O_ACCMODE: 0 read-only, 1 write-only, 2 read-write.
        if (flags !== undefined && (Number.parseInt(flags, 8) & 3) !== 0) return true;
      } catch {
        continue;
      }
    }
  }
  return false;
}
