import { describe, expect, it } from "vitest";
import * as publicApi from "./index.js";

// src/index.ts is the package's whole public API: a name added or removed here is a release
// (and a changeset), never an accident. Types are pinned by the d.ts build and typecheck.
describe("@mc/core public API", () => {
  it("should export exactly these names", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "APPROVAL_ID_PATTERN",
        "CALLER_KINDS",
        "CONFINED_VALIDATOR_ID",
        "CommandTimeoutError",
        "DEFAULT_MAX_OUTPUT_CHARS",
        "DEFAULT_PATH",
        "DeniedError",
        "InputError",
        "MAX_APPROVAL_WAIT_S",
        "McError",
        "RISK_LEVELS",
        "SCOPES",
        "TIMEOUTS",
        "ToolFailureError",
        "UNIT_NAME_MAX_LENGTH",
        "UNIT_NAME_PATTERN",
        "UNIT_SUFFIXES",
        "approvalIdSchema",
        "approvalWaitSchema",
        "canonicalJson",
        "childEnvironment",
        "compileGlob",
        "confinedValidatorWrapper",
        "createCommandRunner",
        "defineTool",
        "errorMessage",
        "formatIssues",
        "hasUnitSuffix",
        "isApprovalId",
        "isUnitName",
        "matchGlob",
        "parseToolInput",
        "redactUrl",
        "requiresConfirmationByDefault",
        "riskAnnotations",
        "schemaToJson",
        "toolJsonSchemas",
        "validatorConfinement",
      ]
    `);
  });
});
