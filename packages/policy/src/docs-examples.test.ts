import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "./load-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

const DOC = readFileSync(fileURLToPath(new URL("../../../docs/policy.md", import.meta.url)), "utf8");
const EXAMPLES = [...DOC.matchAll(/```toml\n([\s\S]*?)```/g)].map((match) => match[1] as string);

describe("docs/policy.md examples", () => {
  it("should have examples", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
  });

  it.each(EXAMPLES.map((text, index) => [index, text] as const))("should load example %i with zero errors", (_index, text) => {
    const directory = tempDir({ "policy.toml": text });
    const policy = loadPolicy({ path: join(directory, "policy.toml"), stateDir: directory, tools: MC_TOOLS });
    expect(policy.diagnostics.errors).toStrictEqual([]);
    expect(policy.ok).toBe(true);
  });
});
