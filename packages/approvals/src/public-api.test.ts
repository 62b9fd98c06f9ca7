import { describe, expect, it } from "vitest";
import * as publicApi from "./index.js";

// src/index.ts is the package's whole public API: a name added or removed here is a release
// (and a changeset), never an accident. Types are pinned by the d.ts build and typecheck.
describe("@mc/approvals public API", () => {
  it("should export exactly these names", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "APPROVAL_ERROR_CODES",
        "APPROVAL_STATUSES",
        "AUDIT_DECISIONS",
        "AUDIT_OUTCOMES",
        "ApprovalError",
        "ApprovalStore",
        "DEFAULT_APPROVAL_TTL_MS",
        "DEFAULT_LEASE_MS",
        "GENESIS_HASH",
        "HOST_ID_PATTERN",
        "INTERRUPTED_ERROR",
        "MAX_APPROVAL_ARGUMENTS_BYTES",
        "MAX_STORED_DEPTH",
        "MAX_STORED_ENTRIES",
        "MAX_STORED_JSON_BYTES",
        "MAX_STORED_STRING_BYTES",
        "MAX_STORED_TEXT_CHARS",
        "REDACTED",
        "SECRET_KEY_PATTERN",
        "auditEventHash",
        "boundedText",
        "boundedValue",
        "currentOwner",
        "identifyingArguments",
        "isBusyError",
        "isOwnerAlive",
        "isPostgresUrl",
        "newApprovalId",
        "openStore",
        "processStartTime",
        "redactArguments",
        "requestHash",
      ]
    `);
  });
});
