import { describe, expect, it } from "vitest";
import * as publicApi from "./index.js";

// src/index.ts is the package's whole public API: a name added or removed here is a release
// (and a changeset), never an accident. Types are pinned by the d.ts build and typecheck.
describe("@mc/cli public API", () => {
  it("should export exactly these names", () => {
    expect(Object.keys(publicApi).sort()).toMatchInlineSnapshot(`
      [
        "EXIT",
        "ExitError",
        "VERSION",
        "main",
      ]
    `);
  });
});
