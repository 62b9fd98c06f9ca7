import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // End-to-end files share one systemd container and restart its units: one file at a time.
    fileParallelism: false,
  },
});
