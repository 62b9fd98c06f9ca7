import { describe, expect, it } from "vitest";
import { postgresRequired } from "./postgres-required.js";
import { startTestPostgres } from "./start-test-postgres.js";

describe("startPostgres (through startTestPostgres)", () => {
  it("should start a server on loopback that creates and queries databases, and remove it on stop", async (context) => {
    const server = await startTestPostgres();
    if ("available" in server) {
      context.skip(server.reason);
      return;
    }
    try {
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      const url = await server.createDatabase("harness_check");
      expect(url.endsWith("/harness_check")).toBe(true);
      expect(await server.psql("harness_check", "SELECT current_database() || ' ' || current_user")).toBe("harness_check postgres");
      await expect(server.createDatabase("bad name; drop")).rejects.toThrow(/not a plain database name/);
    } finally {
      await server.stop();
    }
    const { existsSync } = await import("node:fs");
    expect(existsSync(server.directory)).toBe(false);
  });

  it("should be required under CI and with MC_POSTGRES_REQUIRED=1 only", () => {
    expect(postgresRequired({ CI: "true" })).toBe(true);
    expect(postgresRequired({ CI: "false" })).toBe(false);
    expect(postgresRequired({ MC_POSTGRES_REQUIRED: "1" })).toBe(true);
    expect(postgresRequired({})).toBe(false);
  });
});
