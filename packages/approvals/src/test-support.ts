import { createClient } from "@libsql/client";
import type { Client } from "@libsql/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inject, onTestFinished } from "vitest";
import { openStore } from "./open-store.js";
import type { OpenStoreOptions } from "./open-store.js";
import type { ApprovalStore } from "./approval-store.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The throwaway PostgreSQL server's superuser URL (test/global-setup.ts), or why there is none. */
    postgres: { url: string } | { unavailable: string };
  }
}

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
  const client = createClient({ url: pathToFileURL(path).href, timeout: 5000 });
  onTestFinished(() => client.close());
  return client;
}

/** The two stores every backend-parametrized suite runs against. */
export type Backend = "libsql" | "postgres";

/** Both backends, for `describe.each`. */
export const BACKENDS: readonly Backend[] = ["libsql", "postgres"];

/**
 * Why a backend cannot be tested here (only PostgreSQL can be missing; under CI the global
 * setup fails instead, so the suites never skip there).
 * @param backend - the backend
 * @returns the reason, or undefined when it can be tested
 */
export function backendUnavailable(backend: Backend): string | undefined {
  if (backend === "libsql") return undefined;
  const postgres = inject("postgres");
  return "unavailable" in postgres ? postgres.unavailable : undefined;
}

/** A new, empty database of one backend for one test. */
export interface TestDatabase {
  /** Which backend. */
  backend: Backend;
  /** What `openStore` is given: a file path or a PostgreSQL URL. */
  target: { path: string } | { url: string };
  /** A string naming it for a child process: the file path or the URL. */
  location: string;
  /**
   * Opens a store on it, closed when the test finishes.
   * @param options - more options (clock, host id)
   * @returns the store
   */
  open(options?: Omit<OpenStoreOptions, "path" | "url">): Promise<ApprovalStore>;
  /**
   * Runs SQL on it the way an attacker with the database's file or superuser would: on
   * PostgreSQL with triggers off (`session_replication_role = replica`), so the append-only
   * trigger does not stop the tampering. `?` placeholders are numbered for PostgreSQL.
   * @param sql - one statement
   * @param args - its parameters
   * @returns the rows it returned
   */
  raw(sql: string, args?: unknown[]): Promise<Record<string, unknown>[]>;
}

let databaseCounter = 0;

/**
 * A new database of `backend`: a file in a temp directory, or a new database on the throwaway
 * PostgreSQL server of the global setup.
 * @param backend - the backend
 * @returns the database
 */
export async function testDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "libsql") {
    const path = join(tempDirectory(), "state", "mc.sqlite3");
    return {
      backend,
      target: { path },
      location: path,
      open: async (options = {}) => {
        const store = await openStore({ path, ...options });
        onTestFinished(() => store.close());
        return store;
      },
      raw: async (sql, args = []) => {
        const client = rawClient(path);
        return (await client.execute({ sql, args: args as never })).rows as unknown[] as Record<string, unknown>[];
      },
    };
  }
  const postgres = inject("postgres");
  if ("unavailable" in postgres) {
    throw new Error(`no PostgreSQL server: ${postgres.unavailable}`);
  }
  const { default: pg } = await import("pg");
  databaseCounter += 1;
  const name = `mc_test_${process.pid}_${databaseCounter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = postgres.url.replace(/\/postgres$/, `/${name}`);
  return {
    backend,
    target: { url },
    location: url,
    open: async (options = {}) => {
      const store = await openStore({ url, ...options });
      onTestFinished(() => store.close());
      return store;
    },
    raw: async (sql, args = []) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query("SET session_replication_role = replica");
        let index = 0;
        const result = await client.query(
          sql.replace(/\?/g, () => `$${(index += 1)}`),
          args,
        );
        return result.rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
  };
}
