import { startTestPostgres } from "@mc/postgres-harness";
import type { PostgresServer } from "@mc/postgres-harness";
import { execaSync } from "execa";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

// The provided value's type is declared in src/test-support.ts, which reads it.
import type {} from "../src/test-support.js";

let server: PostgresServer | undefined;

// The multi-process tests run children that import the BUILT package (dist), as the CLI does;
// build it when it is missing or older than any source file. The PostgreSQL backend's tests
// share one throwaway server (each test gets its own database); under CI it must start.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const built = join(packageDir, "dist", "index.js");
  const sourceDir = join(packageDir, "src");
  const newestSource = Math.max(
    ...readdirSync(sourceDir, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => statSync(join(sourceDir, name)).mtimeMs),
  );
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource) {
    execaSync("pnpm", ["run", "build"], { cwd: packageDir, stdio: "inherit" });
  }
  const started = await startTestPostgres();
  if ("available" in started) {
    project.provide("postgres", { unavailable: started.reason });
  } else {
    server = started;
    project.provide("postgres", { url: started.url });
  }
  return async () => {
    await server?.stop();
  };
}
