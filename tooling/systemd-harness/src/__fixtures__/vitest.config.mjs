// Config of the vitest that harness-for-tests.test.ts starts as an unprivileged user: plain
// JavaScript loaded natively (that user cannot write vite's temp files next to the package).
import { tmpdir } from "node:os";
import { join } from "node:path";

export default {
  cacheDir: join(tmpdir(), `mc-harness-fixture-vite-${process.getuid?.() ?? "x"}`),
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["*.fixture.ts"],
  },
};
