import { createClient } from "@libsql/client";
import type { Client } from "@libsql/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { openStore } from "./open-store.js";
import type { ApprovalStore } from "./approval-store.js";

/** The package's root directory. */
export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A fresh temp directory, removed when the test finishes. */
export function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "mc-approvals-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A clock tests can move. */
export interface TestClock {
  now: () => Date;
  advance: (milliseconds: number) => void;
}

/** A clock starting at a fixed time. */
export function testClock(start = Date.parse("2026-11-25T12:00:00.000Z")): TestClock {
  let current = start;
  return {
    now: () => new Date(current),
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}

/** A store on a new database file in a temp directory, closed when the test finishes. */
export async function openTestStore(now?: () => Date): Promise<{ store: ApprovalStore; path: string }> {
  const path = join(tempDirectory(), "state", "mc.sqlite3");
  const store = await openStore({ path, ...(now === undefined ? {} : { now }) });
  onTestFinished(() => store.close());
  return { store, path };
}

/** A raw libSQL client on a database file, for tampering the way an attacker would. */
export function rawClient(path: string): Client {
  const client = createClient({ url: `file:${path}`, timeout: 5000 });
  onTestFinished(() => client.close());
  return client;
}
