import { describe, expect, it } from "vitest";
import { formatDateTime, InvalidTimeZoneError } from "./datetime.js";

const instant = new Date("2025-03-01T23:30:15.250Z");

describe("formatDateTime", () => {
  it("formats UTC by default", () => {
    expect(formatDateTime(instant)).toEqual({
      iso8601: "2025-03-01T23:30:15Z",
      date: "2025-03-01",
      time: "23:30:15",
      timezone: "UTC",
      unix_timestamp: 1_740_871_815,
      year: "2025",
      month: "03",
      day: "01",
      weekday: "Saturday",
    });
  });

  it("uses the zone's local date, time and offset", () => {
    const paris = formatDateTime(instant, "Europe/Paris");
    expect(paris).toMatchObject({
      iso8601: "2025-03-02T00:30:15+01:00",
      date: "2025-03-02",
      time: "00:30:15",
      timezone: "Europe/Paris",
      weekday: "Sunday",
      unix_timestamp: 1_740_871_815,
    });
  });

  it("handles negative, half-hour and daylight-saving offsets", () => {
    expect(formatDateTime(instant, "America/New_York").iso8601).toBe("2025-03-01T18:30:15-05:00");
    expect(formatDateTime(instant, "Asia/Kolkata").iso8601).toBe("2025-03-02T05:00:15+05:30");
    expect(formatDateTime(new Date("2025-07-01T12:00:00Z"), "America/New_York").iso8601).toBe(
      "2025-07-01T08:00:00-04:00",
    );
  });

  it("writes midnight as 00, not 24", () => {
    expect(formatDateTime(new Date("2025-01-01T00:00:00Z")).time).toBe("00:00:00");
  });

  it("refuses an unknown zone", () => {
    expect(() => formatDateTime(instant, "Mars/Olympus")).toThrow(InvalidTimeZoneError);
  });
});
