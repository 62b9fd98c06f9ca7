import { describe, expect, it } from "vitest";
import { escapeBackupPath, formatBackupId, parseBackupId, unescapeBackupPath } from "./backup-id.js";

describe("backup ids", () => {
  it("should escape / and % reversibly", () => {
    const path = "/etc/my%2Fapp/a%b.ini";
    expect(escapeBackupPath(path)).toBe("%2Fetc%2Fmy%252Fapp%2Fa%25b.ini");
    expect(unescapeBackupPath(escapeBackupPath(path))).toBe(path);
  });

  it("should format and parse an id with and without a counter", () => {
    const createdAt = new Date("2026-11-25T07:15:02.123Z");
    expect(formatBackupId(createdAt, "/etc/a.ini")).toBe("20261125T071502.123Z__%2Fetc%2Fa.ini.bak");
    expect(parseBackupId(formatBackupId(createdAt, "/etc/a.ini", 2))).toStrictEqual({
      backupId: "20261125T071502.123Z-2__%2Fetc%2Fa.ini.bak",
      path: "/etc/a.ini",
      createdAt,
      counter: 2,
    });
  });

  it.each([
    "",
    "..",
    "../x.bak",
    "20261125T071502.123Z__%2Fetc%2Fa.ini",
    "20261125T071502.123Z__/etc/a.ini.bak",
    "20261125T071502.123Z__%2Fetc%2F..%2Fa.ini.bak/..",
    "20261125T071502.123Z__etc.bak",
    "20261125T071502.123Z__%2Fa%zz.bak",
    "20261125T071502.123Z__%2Fa\0.bak",
    "20261399T071502.123Z__%2Fa.bak",
    ".partial-1-abc",
  ])("should refuse %j", (id) => {
    expect(parseBackupId(id)).toBeNull();
  });
});
