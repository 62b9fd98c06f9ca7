import { execaSync } from "execa";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

// The multi-process tests run children that import the BUILT package (dist), as the CLI does;
// build it when it is missing or older than any source file.
export default function setup(): void {
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
}
