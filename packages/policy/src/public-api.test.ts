import { describe, expect, it } from "vitest";
import * as publicApi from "./index.js";

// src/index.ts is the package's whole public API: a name added or removed here is a release
// (and a changeset), never an accident. Types are pinned by the d.ts build and typecheck.
describe("@mc/policy public API", () => {
  it("should export exactly these names", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_APPROVALS",
        "EXPIRY_MINUTES_RANGE",
        "MAX_POLICY_BYTES",
        "NEW_POLICY_MODE",
        "POLICY_FIRST_LOAD_WAIT_MS",
        "POLICY_QUIET_MS",
        "TIMEOUT_SECONDS_RANGE",
        "VALIDATOR_KINDS",
        "checkPolicyFile",
        "createPolicySource",
        "decide",
        "defaultConfigTargets",
        "defaultPolicy",
        "expandRoot",
        "formatKeyPath",
        "installPolicy",
        "loadPolicy",
        "loadPolicyBytes",
        "policyTemplate",
        "readPolicyFile",
        "toolStatus",
      ]
    `);
  });
});
