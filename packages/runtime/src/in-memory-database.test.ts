import { describe, expect, it } from "vitest";
import { inMemoryDatabaseReason } from "./in-memory-database.js";

describe("inMemoryDatabaseReason", () => {
  it.each([
    ":memory:",
    "file::memory:",
    "file::memory:?cache=shared",
    "FILE::MEMORY:",
    "file:%3Amemory%3A",
    "file:/tmp/x.db?mode=memory",
    "file:x?cache=shared&mode=MEMORY",
    "file:/x?vfs=memdb",
    "file:",
    "file:?cache=shared",
  ])("should refuse %s", (url) => {
    const reason = inMemoryDatabaseReason(url);
    expect(reason).toMatch(/^it is an? (in-memory|temporary) database.*no audit/);
    // The message around the reason names the URL; the reason does not say it again (its
    // hint names "a file: URL", which is not the URL).
    expect(reason?.replace("a file: URL", "")).not.toContain(url);
  });

  it.each([
    "file:/var/lib/mc/mc.sqlite3",
    "file:///var/lib/mc/mc.sqlite3",
    "file:relative.db?mode=rwc",
    "libsql://db.example.com",
    "http://127.0.0.1:8080",
    "file:/tmp/memory.db",
  ])("should accept %s", (url) => {
    expect(inMemoryDatabaseReason(url)).toBeUndefined();
  });
});
