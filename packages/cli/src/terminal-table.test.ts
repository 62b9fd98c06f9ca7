import { describe, expect, it } from "vitest";
import { renderStyled } from "./terminal-style.js";
import { formatBytes, formatDuration, humanValue, renderKeyValues, renderTable, renderToolOutput } from "./terminal-table.js";
import { hasUnsafeTerminalText } from "./terminal-text.js";

const plain = (text: Parameters<typeof renderStyled>[0]) => renderStyled(text, false);

describe("renderTable", () => {
  it("should align columns under a header row, the last column unpadded", () => {
    const table = renderTable(
      [{ header: "unit" }, { header: "pid", align: "right" }, { header: "description" }],
      [
        ["nginx.service", 812, "A web server"],
        ["ssh.service", 7, "OpenSSH"],
      ],
    );
    expect(plain(table)).toBe(["UNIT           PID  DESCRIPTION", "nginx.service  812  A web server", "ssh.service      7  OpenSSH"].join("\n"));
  });

  it("should keep one line per row when a value holds newlines or escapes", () => {
    const table = renderTable(
      [{ header: "name" }, { header: "note" }],
      [
        ["a\nb\r\nc", "x\u001b[2Jy"],
        ["\u202eevil", "ok"],
      ],
    );
    const lines = plain(table).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe("a\\nb\\r\\nc   x\\x1b[2Jy");
    expect(lines[2]).toBe("\\u202eevil  ok");
    expect(hasUnsafeTerminalText(plain(table))).toBe(false);
  });

  it("should count wide characters and emoji as two columns", () => {
    const table = renderTable(
      [{ header: "name" }, { header: "x" }],
      [
        ["日本", "1"],
        ["ab", "2"],
        ["🙂e\u0301", "3"],
        ["🚀⌚", "4"],
      ],
    );
    // Padding, not a width function, is checked: 日本, 🙂, 🚀 and ⌚ take two columns, é's mark
    // none (🚀 and ⌚ were one column in the hand-kept ranges string-width replaced).
    expect(plain(table).split("\n")).toStrictEqual(["NAME  X", "日本  1", "ab    2", "🙂e\u0301   3", "🚀⌚  4"]);
  });

  it("should measure a cell after escaping it, and cut whole characters by their width", () => {
    // The ZWJ is escaped (\u200d, six columns), so the family shows as its parts; an escape
    // is never measured as the zero-width character it replaced.
    const table = renderTable(
      [{ header: "a", maxWidth: 6 }, { header: "b" }],
      [
        ["👨\u200d👩", "z"],
        ["日本語テキスト", "y"],
        ["한국어", "x"],
      ],
    );
    expect(plain(table).split("\n")).toStrictEqual(["A       B", "👨\\u2…  z", "日本…   y", "한국어  x"]);
  });

  it("should cut a cell wider than its column's maximum", () => {
    const table = renderTable([{ header: "a", maxWidth: 5 }, { header: "b" }], [["abcdefgh", "z"]]);
    expect(plain(table).split("\n")[1]).toBe("abcd…  z");
  });
});

describe("renderKeyValues", () => {
  it("should align keys and show a multi-line value below its key, line by line", () => {
    const text = plain(
      renderKeyValues([
        ["path", "/etc/x"],
        ["content", "line 1\n\u001b[31mline 2\n"],
        ["size", null],
      ]),
    );
    expect(text).toBe(["path:    /etc/x", "content:", "  │ line 1", "  │ \\x1b[31mline 2", "size:    -"].join("\n"));
  });
});

describe("human values", () => {
  it("should format sizes, durations and times", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(21_474_836_480)).toBe("20 GiB");
    expect(formatDuration(45)).toBe("45s");
    expect(formatDuration(200)).toBe("3m 20s");
    expect(formatDuration(187_200)).toBe("2d 4h");
    expect(humanValue("used_bytes", 1_048_576)).toBe("1 MiB");
    expect(humanValue("uptime_seconds", 3600)).toBe("1h");
    expect(humanValue("time", "2026-12-01T10:00:00.123Z")).toBe("2026-12-01 10:00:00 UTC");
    expect(humanValue("active", true)).toBe("yes");
    expect(
      humanValue("addresses", [
        { family: "inet", address: "127.0.0.1", prefix_length: 8 },
        { family: "inet6", address: "::1", prefix_length: 128 },
      ]),
    ).toBe("127.0.0.1/8, ::1/128");
    expect(
      humanValue("ports", [
        { protocol: "tcp", port: 22 },
        { protocol: "udp", port: 53 },
      ]),
    ).toBe("tcp 22, udp 53");
  });

  it("should show a tool's output as key/values and tables, not JSON", () => {
    const text = plain(
      renderToolOutput({
        scope: "system",
        total_bytes: 2048,
        units: [
          { unit: "a.service", active: "active", memory_bytes: 1024 },
          { unit: "b\u001b[2J.service", active: "failed", memory_bytes: null },
        ],
      }),
    );
    expect(text).toBe(
      [
        "scope:       system",
        "total_bytes: 2 KiB",
        "",
        "UNIT              ACTIVE  MEMORY BYTES",
        "a.service         active         1 KiB",
        "b\\x1b[2J.service  failed             -",
        "2 units",
      ].join("\n"),
    );
  });
});
