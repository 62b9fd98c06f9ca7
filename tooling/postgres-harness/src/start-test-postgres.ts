import { postgresRequired } from "./postgres-required.js";
import { startPostgres, type PostgresServer, type PostgresUnavailable } from "./start-postgres.js";

/**
 * {@link startPostgres} for a test suite: the server, or why there is none for the suite to skip
 * with — except where tests must run (CI, `MC_POSTGRES_REQUIRED=1`: {@link postgresRequired}),
 * where no server is an error naming the reason.
 * @param env - where to read the variables; default `process.env`
 * @returns the running server, or why none could start
 * @throws when no server could start and one is required
 */
export async function startTestPostgres(env: Readonly<Record<string, string | undefined>> = process.env): Promise<PostgresServer | PostgresUnavailable> {
  const started = await startPostgres();
  if ("available" in started && postgresRequired(env)) {
    throw new Error(`PostgreSQL must run here (CI or MC_POSTGRES_REQUIRED=1), but no server could start: ${started.reason}`);
  }
  return started;
}
