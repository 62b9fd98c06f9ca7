import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The test files share one systemd container: a restart in one file must not race a status
    // check of the same unit in another.
    fileParallelism: false,
  },
});
