import { describe, expect, it } from "vitest";
import * as publicApi from "./index.js";

// src/index.ts is the package's whole public API: a name added or removed here is a release
// (and a changeset), never an accident. Types are pinned by the d.ts build and typecheck.
describe("@mc/tools-config public API", () => {
  it("should export exactly these names", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "LOG_GREP_MAX_LENGTH",
        "LOG_LINE_MAX_CHARS",
        "LOG_OUTPUT_MAX_CHARS",
        "LOG_TAIL_BYTES",
        "MAX_CONFIG_FILE_BYTES",
        "TOOLS_CONFIG_PACKAGE",
        "configPathSchema",
        "configTargetNameSchema",
        "configTools",
        "formatBackupId",
        "listBackups",
        "openVerifiedFile",
        "parseBackupId",
        "readConfigFile",
        "readConfigFileInputSchema",
        "readConfigFileOutputSchema",
        "readConfigFileTool",
        "readLogFile",
        "readLogFileInputSchema",
        "readLogFileOutputSchema",
        "readLogFileTool",
        "readVerifiedFile",
        "resolveManagedPath",
        "restoreConfigBackup",
        "restoreConfigBackupInputSchema",
        "restoreConfigBackupOutputSchema",
        "restoreConfigBackupTool",
        "tailLines",
        "validateConfigContent",
        "validationSchema",
        "writeConfigFile",
        "writeConfigFileInputSchema",
        "writeConfigFileTool",
        "writeResultSchema",
      ]
    `);
  });
});
