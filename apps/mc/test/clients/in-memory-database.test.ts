// An audit that does not persist is no audit: `mc` must refuse an in-memory database, through
// the real CLI, in doctor (exit 1) and for tool calls (fail closed, with the reason).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { childEnv, runMc, tempDir } from "./support.js";

describe("an in-memory database", () => {
  it.each([":memory:", "file::memory:", "file::memory:?cache=shared", "file:/tmp/mc-never.db?mode=memory"])(
    "should fail doctor with MC_DB_URL=%s",
    async (url) => {
      const env = childEnv({ MC_STATE_DIR: join(tempDir("mc-memdb-"), "state"), MC_DB_URL: url });
      const doctor = await runMc(["doctor"], env);
      expect(doctor.exitCode).toBe(1);
      expect(doctor.stdout).toMatch(/FAIL\s+database .*in-memory database.*no audit/);
      // The URL is named once, not again inside the reason.
      const line = doctor.stdout.split("\n").find((text) => /FAIL\s+database/.test(text)) ?? "";
      expect(line.split(url).length - 1).toBe(1);
      const call = await runMc(["tool", "memory_usage"], env);
      expect(call.exitCode).toBe(1);
      expect(call.stderr + call.stdout).toContain("an audit that does not persist is no audit");
    },
  );
});
