import { describe, expect, it } from "vitest";
import { parseTimeOption } from "./time-option.js";

const NOW = new Date("2026-12-01T12:00:00.000Z");

describe("parseTimeOption", () => {
  it("should count an age back from now", () => {
    expect(parseTimeOption("90s", NOW)?.toISOString()).toBe("2026-12-01T11:58:30.000Z");
    expect(parseTimeOption("1h", NOW)?.toISOString()).toBe("2026-12-01T11:00:00.000Z");
    expect(parseTimeOption("2d", NOW)?.toISOString()).toBe("2026-11-29T12:00:00.000Z");
    expect(parseTimeOption("1w", NOW)?.toISOString()).toBe("2026-11-24T12:00:00.000Z");
  });

  it("should read ISO times and dates", () => {
    expect(parseTimeOption("2026-11-30T08:15:00Z", NOW)?.toISOString()).toBe("2026-11-30T08:15:00.000Z");
    expect(parseTimeOption("2026-11-30T08:15:00+02:00", NOW)?.toISOString()).toBe("2026-11-30T06:15:00.000Z");
    expect(parseTimeOption("2026-11-30", NOW)?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
  });

  it("should refuse anything else", () => {
    for (const value of ["yesterday", "1y", "-1h", "1.5h", "", "2026-13-45", "12:00", "1h; rm", "Dec 1"]) expect(parseTimeOption(value, NOW)).toBeUndefined();
  });
});
