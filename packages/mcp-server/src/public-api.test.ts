import { describe, expect, it } from "vitest";
import * as http from "./http.js";
import * as publicApi from "./index.js";
import * as stdio from "./stdio.js";

// src/index.ts and the ./stdio and ./http entries are the package's whole public API: a name
// added or removed here is a release (and a changeset), never an accident.
describe("@mc/mcp-server public API", () => {
  it("should export exactly these names from the root", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "createMcpServer",
        "toCallToolResult",
      ]
    `);
  });

  it("should export exactly these names from ./stdio and ./http", () => {
    expect({ stdio: Object.keys(stdio).sort(), http: Object.keys(http).sort() }).toMatchInlineSnapshot(`
      {
        "http": [
          "HttpServeError",
          "MIN_TOKEN_LENGTH",
          "isLoopbackHost",
          "serveHttp",
        ],
        "stdio": [
          "DEFAULT_MAX_FRAME_BYTES",
          "serveStdio",
        ],
      }
    `);
  });
});
