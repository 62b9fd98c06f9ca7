import { describe, expect, it } from "vitest";
import { parseHarnessEnv } from "./harness-env.js";

describe("parseHarnessEnv", () => {
  it("should read KEY=value lines and keep '=' inside values", () => {
    expect(parseHarnessEnv("MC_HARNESS_READY=1\n\nnoise\nMC_HARNESS_X=a=b\n")).toStrictEqual({
      MC_HARNESS_READY: "1",
      MC_HARNESS_X: "a=b",
    });
  });
});
