import { closeSync, openSync, readFileSync, readSync } from "node:fs";

/** The C library a Linux Node binary is linked against. */
export type LibcFamily = "glibc" | "musl";

/** What linkedLibcFamily found, with the program interpreter that told it. */
export interface LinkedLibc {
  /** glibc or musl. */
  family: LibcFamily;
  /** The ELF program interpreter of the Node binary, e.g. /lib64/ld-linux-x86-64.so.2. */
  interpreter: string;
}

const PT_INTERP = 3;

/**
 * The C library this Node binary is linked against, read from its ELF program interpreter
 * (`ld-linux-*`: glibc, `ld-musl-*`: musl), and only when `/usr/bin/ldd` names the same one (the
 * file detect-libc reads first, by its rules: "musl" anywhere, else "GLIBC"). Anything else — not
 * Linux, not a 64-bit little-endian ELF (x64, arm64), a static binary, another interpreter, no
 * ldd, the two disagreeing — is undefined: the caller then lets libSQL's loader find out itself.
 * @param execPath - the Node binary; default process.execPath
 * @param lddPath - the ldd script; default /usr/bin/ldd
 * @returns the family and the interpreter, or undefined
 */
export function linkedLibcFamily(execPath: string = process.execPath, lddPath = "/usr/bin/ldd"): LinkedLibc | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const interpreter = elfInterpreter(execPath);
    if (interpreter === undefined) return undefined;
    const name = interpreter.slice(interpreter.lastIndexOf("/") + 1);
    const family: LibcFamily | undefined = name.startsWith("ld-musl-") ? "musl" : name.startsWith("ld-linux-") ? "glibc" : undefined;
    if (family === undefined) return undefined;
    const ldd = readFileSync(lddPath, "utf8");
    const lddFamily: LibcFamily | undefined = ldd.includes("musl") ? "musl" : ldd.includes("GLIBC") ? "glibc" : undefined;
    return lddFamily === family ? { family, interpreter } : undefined;
  } catch {
    return undefined;
  }
}

/** The PT_INTERP path of a 64-bit little-endian ELF file, or undefined. */
function elfInterpreter(path: string): string | undefined {
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(64);
    // \x7fELF, ELFCLASS64, ELFDATA2LSB
    if (readSync(fd, header, 0, 64, 0) !== 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const tableOffset = Number(header.readBigUInt64LE(0x20));
    const entrySize = header.readUInt16LE(0x36);
    const entries = header.readUInt16LE(0x38);
    if (entrySize < 56 || entries === 0 || entries > 512) return undefined;
    const table = Buffer.alloc(entrySize * entries);
    if (readSync(fd, table, 0, table.length, tableOffset) !== table.length) return undefined;
    for (let index = 0; index < entries; index += 1) {
      const entry = index * entrySize;
      if (table.readUInt32LE(entry) !== PT_INTERP) continue;
      const offset = Number(table.readBigUInt64LE(entry + 8));
      const size = Number(table.readBigUInt64LE(entry + 32));
      if (size < 2 || size > 4096) return undefined;
      const text = Buffer.alloc(size);
      // NUL-terminated
      if (readSync(fd, text, 0, size, offset) !== size || text[size - 1] !== 0) return undefined;
      return text.toString("latin1", 0, size - 1);
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs `load` — the first import of libSQL's local client — with `process.report.getReport()`
 * answering its first call with a report that holds only the libc family of `libc` (the header's
 * `glibcVersionRuntime` for glibc, the interpreter among `sharedObjects`). libSQL's loader
 * (@neon-rs/load) calls it only to tell glibc from musl, and a real report (every shared object,
 * libuv handle, the heap, the environment) took 5–7 ms of each CLI command. getReport is restored
 * at that first call and when `load` settles; if `load` fails under the short answer, it runs
 * once more with the real one.
 * @param libc - what linkedLibcFamily found, or undefined to just run `load`
 * @param load - imports the client (and with it the native binding)
 * @returns what `load` returns
 */
export async function withLibcFamilyReport<T>(libc: LinkedLibc | undefined, load: () => Promise<T>): Promise<T> {
  const report: NodeJS.ProcessReport | undefined = process.report;
  if (libc === undefined || report === undefined) return load();
  // The property itself is put back, so getReport is the very same method afterwards.
  const original = Object.getOwnPropertyDescriptor(report, "getReport");
  if (original === undefined) return load();
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    Object.defineProperty(report, "getReport", original);
  };
  report.getReport = () => {
    restore();
    return {
      header: libc.family === "glibc" ? { glibcVersionRuntime: "unknown" } : {},
      sharedObjects: [libc.interpreter],
    };
  };
  try {
    return await load();
  } catch {
    restore();
    return await load();
  } finally {
    restore();
  }
}
