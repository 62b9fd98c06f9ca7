import { execa } from "execa";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPostgresBin } from "./find-postgres.js";

/** A running throwaway PostgreSQL server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, superuser). */
  url: string;
  /** The loopback TCP port it listens on. */
  port: number;
  /** The temp directory holding its data, log and Unix socket. */
  directory: string;
  /**
   * Creates an empty database and returns its URL (as the superuser).
   * @param name - a new database name (letters, digits, underscores)
   * @returns its URL
   */
  createDatabase(name: string): Promise<string>;
  /**
   * Runs SQL through `psql` as the superuser, stopping at the first error.
   * @param database - the database name
   * @param sql - the statements
   * @returns psql's output
   */
  psql(database: string, sql: string): Promise<string>;
  /** Stops the server (immediate shutdown) and removes its directory. */
  stop(): Promise<void>;
}

/** Why a server could not be started. */
export interface PostgresUnavailable {
  /** Always false. */
  available: false;
  /** The reason, for a skip message or a failure. */
  reason: string;
}

/**
 * Starts a throwaway PostgreSQL server: `initdb` (trust auth, superuser `postgres`) in a new
 * temp directory owned by the `postgres` user, then `pg_ctl start` listening on 127.0.0.1 at a
 * free port, with its socket in the same directory. Needs root (to run the server as
 * `postgres` through `runuser`) and Debian's `postgresql` package.
 * @returns the server, or why none could be started
 */
export async function startPostgres(): Promise<PostgresServer | PostgresUnavailable> {
  const bin = findPostgresBin();
  if (bin === undefined) {
    return { available: false, reason: "no PostgreSQL server is installed (apt-get install postgresql)" };
  }
  if (process.getuid?.() !== 0) {
    return { available: false, reason: "starting a throwaway PostgreSQL needs root (the server runs as the postgres user through runuser)" };
  }
  const owner = await execa("id", ["-u", "postgres"], { reject: false });
  const group = await execa("id", ["-g", "postgres"], { reject: false });
  if (owner.exitCode !== 0 || group.exitCode !== 0) {
    return { available: false, reason: "there is no postgres user (the postgresql package creates it)" };
  }
  const directory = mkdtempSync(join(tmpdir(), "mc-postgres-"));
  chownSync(directory, Number(owner.stdout), Number(group.stdout));
  const asPostgres = (program: string, args: string[]) =>
    execa("runuser", ["-u", "postgres", "--", join(bin, program), ...args], { cwd: directory, reject: false, env: { LC_ALL: "C" } });
  const removeDirectory = () => rmSync(directory, { recursive: true, force: true });
  const initdb = await asPostgres("initdb", ["-D", join(directory, "data"), "--auth=trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  if (initdb.exitCode !== 0) {
    removeDirectory();
    return { available: false, reason: `initdb failed: ${initdb.stderr || initdb.stdout}` };
  }
  let port = 0;
  let started = false;
  let lastError = "";
  // Another process may take the free port between probing and binding: try a few.
  for (let attempt = 0; attempt < 5 && !started; attempt += 1) {
    port = await freePort();
    const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const start = await asPostgres("pg_ctl", ["-D", join(directory, "data"), "-o", options, "-l", join(directory, "log"), "-w", "-t", "60", "start"]);
    started = start.exitCode === 0;
    lastError = start.stderr || start.stdout;
  }
  if (!started) {
    removeDirectory();
    return { available: false, reason: `pg_ctl start failed: ${lastError}` };
  }
  const psql = async (database: string, sqlText: string): Promise<string> => {
    const result = await asPostgres("psql", [
      "-h",
      directory,
      "-p",
      String(port),
      "-U",
      "postgres",
      "-d",
      database,
      "-v",
      "ON_ERROR_STOP=1",
      "-X",
      "-q",
      "-At",
      "-c",
      sqlText,
    ]);
    if (result.exitCode !== 0) {
      throw new Error(`psql failed: ${result.stderr}`);
    }
    return result.stdout;
  };
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    directory,
    psql,
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
        throw new Error(`not a plain database name: ${JSON.stringify(name)}`);
      }
      await psql("postgres", `CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await asPostgres("pg_ctl", ["-D", join(directory, "data"), "-m", "immediate", "-w", "stop"]);
      removeDirectory();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
