import { fileURLToPath } from "node:url";

/**
 * Absolute paths of the harness scripts. The scripts ship next to `src/` and `dist/`, so the
 * same relative URL works from the sources (vitest) and from the built bundle.
 */
export const harnessScripts = {
  /** Boots (or reuses) the container and prints harness.env. */
  up: fileURLToPath(new URL("../scripts/up.sh", import.meta.url)),
  /** Command prefix into the container. */
  exec: fileURLToPath(new URL("../scripts/exec.sh", import.meta.url)),
  /** Stops the container and removes its state. */
  down: fileURLToPath(new URL("../scripts/down.sh", import.meta.url)),
} as const;
