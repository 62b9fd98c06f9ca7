import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkedLibcFamily, withLibcFamilyReport, type LinkedLibc } from "./libc-family.js";
import { tempDirectory } from "./test-support.js";

/** A minimal 64-bit little-endian ELF file with one PT_INTERP program header naming `interpreter` (or none). */
function elfFile(interpreter: string | undefined, { elfClass = 2 } = {}): string {
  const text = interpreter === undefined ? Buffer.alloc(0) : Buffer.from(`${interpreter}\0`, "latin1");
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = elfClass;
  header[5] = 1;
  header.writeBigUInt64LE(64n, 0x20);
  header.writeUInt16LE(56, 0x36);
  header.writeUInt16LE(1, 0x38);
  const entry = Buffer.alloc(56);
  entry.writeUInt32LE(interpreter === undefined ? 1 : 3, 0);
  entry.writeBigUInt64LE(120n, 8);
  entry.writeBigUInt64LE(BigInt(text.length), 32);
  const path = join(tempDirectory(), "node");
  writeFileSync(path, Buffer.concat([header, entry, text]));
  return path;
}

function lddFile(text: string): string {
  const path = join(tempDirectory(), "ldd");
  writeFileSync(path, text);
  return path;
}

const GLIBC_LDD = "#!/bin/bash\n# This file is part of the GNU C Library.\nTEXTDOMAIN=libc\necho 'ldd (GNU libc)' # GLIBC\n";
const MUSL_LDD = '#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n';

describe("linkedLibcFamily", () => {
  it("should say what Node's own process report says, on this machine", () => {
    const found = linkedLibcFamily();
    if (process.platform !== "linux" || found === undefined) return;
    const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header;
    expect(found.family).toBe(header.glibcVersionRuntime === undefined ? "musl" : "glibc");
  });

  it("should tell glibc from musl by the ELF interpreter when ldd agrees", () => {
    if (process.platform !== "linux") return;
    expect(linkedLibcFamily(elfFile("/lib64/ld-linux-x86-64.so.2"), lddFile(GLIBC_LDD))).toStrictEqual({
      family: "glibc",
      interpreter: "/lib64/ld-linux-x86-64.so.2",
    });
    expect(linkedLibcFamily(elfFile("/lib/ld-musl-aarch64.so.1"), lddFile(MUSL_LDD))).toStrictEqual({
      family: "musl",
      interpreter: "/lib/ld-musl-aarch64.so.1",
    });
  });

  it("should not answer when ldd names the other libc (a glibc Node on a musl system, or the reverse)", () => {
    expect(linkedLibcFamily(elfFile("/lib64/ld-linux-x86-64.so.2"), lddFile(MUSL_LDD))).toBeUndefined();
    expect(linkedLibcFamily(elfFile("/lib/ld-musl-x86_64.so.1"), lddFile(GLIBC_LDD))).toBeUndefined();
    expect(linkedLibcFamily(elfFile("/lib64/ld-linux-x86-64.so.2"), join(tempDirectory(), "no-ldd"))).toBeUndefined();
    expect(linkedLibcFamily(elfFile("/lib64/ld-linux-x86-64.so.2"), lddFile("#!/bin/sh\necho something else\n"))).toBeUndefined();
  });

  it("should not answer for a static binary, another interpreter, a 32-bit, truncated or non-ELF file", () => {
    const ldd = lddFile(GLIBC_LDD);
    expect(linkedLibcFamily(elfFile(undefined), ldd)).toBeUndefined();
    expect(linkedLibcFamily(elfFile("/lib/ld-other.so.1"), ldd)).toBeUndefined();
    expect(linkedLibcFamily(elfFile("/lib64/ld-linux-x86-64.so.2", { elfClass: 1 }), ldd)).toBeUndefined();
    const truncated = join(tempDirectory(), "truncated");
    writeFileSync(truncated, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]));
    expect(linkedLibcFamily(truncated, ldd)).toBeUndefined();
    expect(linkedLibcFamily(ldd, ldd)).toBeUndefined();
    expect(linkedLibcFamily(join(tempDirectory(), "missing"), ldd)).toBeUndefined();
  });
});

describe("withLibcFamilyReport", () => {
  const GLIBC: LinkedLibc = { family: "glibc", interpreter: "/lib64/ld-linux-x86-64.so.2" };
  const MUSL: LinkedLibc = { family: "musl", interpreter: "/lib/ld-musl-x86_64.so.1" };

  it("should answer the first getReport with the family alone, then restore the real one", async () => {
    const real = process.report.getReport;
    const seen = await withLibcFamilyReport(GLIBC, async () => [process.report.getReport(), process.report.getReport === real]);
    expect(seen[0]).toStrictEqual({ header: { glibcVersionRuntime: "unknown" }, sharedObjects: [GLIBC.interpreter] });
    expect(seen[1]).toBe(true);
    expect(process.report.getReport).toBe(real);
    const musl = await withLibcFamilyReport(MUSL, async () => process.report.getReport());
    expect(musl).toStrictEqual({ header: {}, sharedObjects: [MUSL.interpreter] });
    expect(process.report.getReport).toBe(real);
  });

  it("should restore getReport when the load never asks, and run the load once more with the real one when it fails", async () => {
    const real = process.report.getReport;
    expect(await withLibcFamilyReport(GLIBC, async () => 1)).toBe(1);
    expect(process.report.getReport).toBe(real);
    const attempts: boolean[] = [];
    const result = await withLibcFamilyReport(MUSL, async () => {
      attempts.push(process.report.getReport === real);
      if (attempts.length === 1) throw new Error("wrong binding");
      return "loaded";
    });
    expect(result).toBe("loaded");
    expect(attempts).toStrictEqual([false, true]);
    expect(process.report.getReport).toBe(real);
  });

  it("should just run the load when the family is unknown", async () => {
    const real = process.report.getReport;
    expect(await withLibcFamilyReport(undefined, async () => process.report.getReport === real)).toBe(true);
  });
});
