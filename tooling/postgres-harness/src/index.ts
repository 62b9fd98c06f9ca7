/**
 * @mc/postgres-harness — test-only: a throwaway PostgreSQL server in a temp directory on a
 * random loopback port, for the fleet store's tests and benchmarks.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { findPostgresBin } from "./find-postgres.js";
export { postgresRequired } from "./postgres-required.js";
export { startPostgres } from "./start-postgres.js";
export { startTestPostgres } from "./start-test-postgres.js";
export type { PostgresServer, PostgresUnavailable } from "./start-postgres.js";
