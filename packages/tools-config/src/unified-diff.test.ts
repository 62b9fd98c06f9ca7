import { applyPatch } from "diff";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "./unified-diff.js";

describe("unifiedDiff", () => {
  it("should produce a unified diff with 3 lines of context and file headers only", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", ""].join("\n");
    const after = ["a", "b", "c", "d", "E", "f", "g", ""].join("\n");
    expect(unifiedDiff("/etc/x.ini", before, after, "current", "new")).toBe(
      ["--- /etc/x.ini\tcurrent", "+++ /etc/x.ini\tnew", "@@ -2,6 +2,6 @@", " b", " c", " d", "-e", "+E", " f", " g", ""].join("\n"),
    );
  });

  it("should be empty for equal contents", () => {
    expect(unifiedDiff("/x", "same\n", "same\n", "current", "new")).toBe("");
  });

  it.each([
    ["a file with no final newline", "a\nb", "a\nc"],
    ["a new file", "", "x = 1\n"],
    ["an emptied file", "x = 1\n", ""],
    ["two unrelated large files", `[main]\n${"old = 1\n".repeat(6000)}`, `[main]\n${"new = 2\n".repeat(6000)}x = y`],
  ])("should give a patch that turns the old content into the new for %s", (_name, before, after) => {
    expect(applyPatch(before, unifiedDiff("/x", before, after, "current", "new"))).toBe(after);
  });
});
