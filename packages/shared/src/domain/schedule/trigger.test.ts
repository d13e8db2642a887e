import { describe, expect, it } from "vitest";
import {
  dueTimesAfter,
  isValidTimezone,
  normalizeTrigger,
  parseRfc3339,
  previewTrigger,
} from "./trigger.js";
import type { CalendarField, CalendarTrigger, TriggerSpec } from "./trigger-types.js";

const values = (...list: number[]): CalendarField => ({ kind: "values", values: list });

/** A calendar trigger firing daily at hh:mm in `timezone`, plus any other fields. */
function daily(
  timezone: string,
  hour: number | number[],
  minute: number | number[],
  more: Partial<CalendarTrigger> = {},
): CalendarTrigger {
  return {
    type: "calendar",
    timezone,
    hour: values(...[hour].flat()),
    minute: values(...[minute].flat()),
    ...more,
  };
}

const FAR = new Date("2200-01-01T00:00:00Z");

/** Due times after `after` as ISO strings (until defaults to 2200). */
function due(trigger: TriggerSpec, after: string, limit = 10, until: Date = FAR): string[] {
  return dueTimesAfter(trigger, new Date(after), { limit, until }).map((at) => at.toISOString());
}

function normalized(raw: unknown): TriggerSpec {
  const result = normalizeTrigger(raw);
  if ("error" in result) throw new Error(result.error);
  return result.trigger;
}

function errorOf(raw: unknown): string | undefined {
  const result = normalizeTrigger(raw);
  return "error" in result ? result.error : undefined;
}

describe("calendar: daylight saving, daily times across transitions", () => {
  // [label, timezone, hour, minute, cursor, expected due times]
  it.each<[string, string, number, number, string, string[]]>([
    // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
    [
      "Berlin 02:30 is skipped on the spring-forward day",
      "Europe/Berlin",
      2,
      30,
      "2026-03-27T12:00:00Z",
      ["2026-03-28T01:30:00.000Z", "2026-03-30T00:30:00.000Z", "2026-03-31T00:30:00.000Z"],
    ],
    [
      "Berlin 02:30 fires once, at CEST, on the fall-back day",
      "Europe/Berlin",
      2,
      30,
      "2026-10-23T12:00:00Z",
      ["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"],
    ],
    [
      "Berlin 02:30: a cursor between the two 02:30s sees no second one",
      "Europe/Berlin",
      2,
      30,
      "2026-10-25T01:00:00Z",
      ["2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z"],
    ],
    [
      "Berlin 02:30: a cursor on the first 02:30 (strictly after)",
      "Europe/Berlin",
      2,
      30,
      "2026-10-25T00:30:00Z",
      ["2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z"],
    ],
    [
      "Berlin 02:30: a cursor one second before the first 02:30",
      "Europe/Berlin",
      2,
      30,
      "2026-10-25T00:29:59Z",
      ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"],
    ],
    [
      "Berlin 03:00 exists once on both transition days",
      "Europe/Berlin",
      3,
      0,
      "2026-03-28T12:00:00Z",
      ["2026-03-29T01:00:00.000Z", "2026-03-30T01:00:00.000Z"],
    ],
    // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    [
      "New York 02:30 is skipped on 2026-03-08",
      "America/New_York",
      2,
      30,
      "2026-03-06T12:00:00Z",
      ["2026-03-07T07:30:00.000Z", "2026-03-09T06:30:00.000Z", "2026-03-10T06:30:00.000Z"],
    ],
    [
      "New York 01:30 exists on the spring-forward day",
      "America/New_York",
      1,
      30,
      "2026-03-07T12:00:00Z",
      ["2026-03-08T06:30:00.000Z", "2026-03-09T05:30:00.000Z"],
    ],
    [
      "New York 01:30 fires once, at EDT, on 2026-11-01",
      "America/New_York",
      1,
      30,
      "2026-10-30T12:00:00Z",
      ["2026-10-31T05:30:00.000Z", "2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"],
    ],
    [
      "New York 01:30: a cursor inside the repeated hour, after the first 01:30",
      "America/New_York",
      1,
      30,
      "2026-11-01T06:15:00Z",
      ["2026-11-02T06:30:00.000Z"],
    ],
    [
      "New York 02:30 on the fall-back day is after the overlap (EST)",
      "America/New_York",
      2,
      30,
      "2026-10-31T12:00:00Z",
      ["2026-11-01T07:30:00.000Z", "2026-11-02T07:30:00.000Z"],
    ],
    // Australia/Sydney (southern hemisphere): 2026-04-05 03:00 AEDT → 02:00 AEST;
    // 2026-10-04 02:00 AEST → 03:00 AEDT.
    [
      "Sydney 02:30 fires once, at AEDT, on 2026-04-05",
      "Australia/Sydney",
      2,
      30,
      "2026-04-03T00:00:00Z",
      ["2026-04-03T15:30:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-05T16:30:00.000Z"],
    ],
    [
      "Sydney 02:30 is skipped on 2026-10-04",
      "Australia/Sydney",
      2,
      30,
      "2026-10-02T00:00:00Z",
      ["2026-10-02T16:30:00.000Z", "2026-10-04T15:30:00.000Z", "2026-10-05T15:30:00.000Z"],
    ],
    // Asia/Kolkata: +05:30 all year.
    [
      "Kolkata 02:30 every day in March",
      "Asia/Kolkata",
      2,
      30,
      "2026-03-07T00:00:00Z",
      ["2026-03-07T21:00:00.000Z", "2026-03-08T21:00:00.000Z", "2026-03-09T21:00:00.000Z"],
    ],
    [
      "Kolkata 02:30 every day around the European fall-back",
      "Asia/Kolkata",
      2,
      30,
      "2026-10-24T00:00:00Z",
      ["2026-10-24T21:00:00.000Z", "2026-10-25T21:00:00.000Z", "2026-10-26T21:00:00.000Z"],
    ],
    // Pacific/Chatham: +12:45 / +13:45; 2026-09-27 02:45 → 03:45; 2026-04-05 03:45 → 02:45.
    [
      "Chatham 03:00 is skipped on 2026-09-27",
      "Pacific/Chatham",
      3,
      0,
      "2026-09-25T00:00:00Z",
      ["2026-09-25T14:15:00.000Z", "2026-09-27T13:15:00.000Z", "2026-09-28T13:15:00.000Z"],
    ],
    [
      "Chatham 03:00 fires once, at +13:45, on 2026-04-05",
      "Pacific/Chatham",
      3,
      0,
      "2026-04-03T00:00:00Z",
      ["2026-04-03T13:15:00.000Z", "2026-04-04T13:15:00.000Z", "2026-04-05T14:15:00.000Z"],
    ],
    // America/St_Johns: -03:30 / -02:30; 2026-03-08 02:00 → 03:00; 2026-11-01 02:00 → 01:00.
    [
      "St John's 02:30 is skipped on 2026-03-08",
      "America/St_Johns",
      2,
      30,
      "2026-03-07T00:00:00Z",
      ["2026-03-07T06:00:00.000Z", "2026-03-09T05:00:00.000Z"],
    ],
    [
      "St John's 01:30 fires once, at NDT, on 2026-11-01",
      "America/St_Johns",
      1,
      30,
      "2026-10-31T00:00:00Z",
      ["2026-10-31T04:00:00.000Z", "2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z"],
    ],
    // Australia/Lord_Howe: a half-hour change; 2026-10-04 02:00 → 02:30; 2026-04-05 02:00 → 01:30.
    [
      "Lord Howe 02:15 is skipped on 2026-10-04",
      "Australia/Lord_Howe",
      2,
      15,
      "2026-10-02T00:00:00Z",
      ["2026-10-02T15:45:00.000Z", "2026-10-04T15:15:00.000Z"],
    ],
    [
      "Lord Howe 01:45 fires once on 2026-04-05",
      "Australia/Lord_Howe",
      1,
      45,
      "2026-04-03T00:00:00Z",
      ["2026-04-03T14:45:00.000Z", "2026-04-04T14:45:00.000Z", "2026-04-05T15:15:00.000Z"],
    ],
    // Pacific/Apia skipped 2011-12-30 entirely (-10:00 → +14:00).
    [
      "Apia 09:00 does not happen on the day that did not exist",
      "Pacific/Apia",
      9,
      0,
      "2011-12-28T00:00:00Z",
      ["2011-12-28T19:00:00.000Z", "2011-12-29T19:00:00.000Z", "2011-12-30T19:00:00.000Z"],
    ],
  ])("%s", (_label, timezone, hour, minute, cursor, expected) => {
    expect(due(daily(timezone, hour, minute), cursor, expected.length)).toStrictEqual(expected);
  });
});

describe("calendar: daylight saving, frequent schedules across transitions", () => {
  const quarterHours = (timezone: string): CalendarTrigger => ({
    type: "calendar",
    timezone,
    minute: values(0, 15, 30, 45),
  });

  it.each<[string, TriggerSpec, string, string[]]>([
    [
      "Berlin every 15 minutes through the gap keeps a steady UTC rate",
      quarterHours("Europe/Berlin"),
      "2026-03-29T00:30:00Z",
      [
        "2026-03-29T00:45:00.000Z", // 01:45 CET
        "2026-03-29T01:00:00.000Z", // 03:00 CEST (02:00–02:45 do not exist)
        "2026-03-29T01:15:00.000Z",
        "2026-03-29T01:30:00.000Z",
      ],
    ],
    [
      "Berlin every 15 minutes pauses for the repeated hour",
      quarterHours("Europe/Berlin"),
      "2026-10-24T23:30:00Z",
      [
        "2026-10-24T23:45:00.000Z", // 01:45 CEST
        "2026-10-25T00:00:00.000Z", // 02:00 CEST
        "2026-10-25T00:15:00.000Z",
        "2026-10-25T00:30:00.000Z",
        "2026-10-25T00:45:00.000Z", // 02:45 CEST; 02:00–02:45 CET do not fire again
        "2026-10-25T02:00:00.000Z", // 03:00 CET
        "2026-10-25T02:15:00.000Z",
      ],
    ],
    [
      "New York every 15 minutes through the repeated 01:xx hour",
      quarterHours("America/New_York"),
      "2026-11-01T05:00:00Z",
      [
        "2026-11-01T05:15:00.000Z",
        "2026-11-01T05:30:00.000Z",
        "2026-11-01T05:45:00.000Z",
        "2026-11-01T07:00:00.000Z", // 02:00 EST
        "2026-11-01T07:15:00.000Z",
      ],
    ],
    [
      "New York every 15 minutes through the gap",
      quarterHours("America/New_York"),
      "2026-03-08T06:30:00Z",
      ["2026-03-08T06:45:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-08T07:15:00.000Z"],
    ],
    [
      "New York hourly: 01:00 EDT, then 02:00 EST",
      { type: "calendar", timezone: "America/New_York", minute: values(0) },
      "2026-11-01T04:30:00Z",
      ["2026-11-01T05:00:00.000Z", "2026-11-01T07:00:00.000Z", "2026-11-01T08:00:00.000Z"],
    ],
    [
      "Chatham every 15 minutes through its 02:45 gap",
      quarterHours("Pacific/Chatham"),
      "2026-09-26T13:30:00Z",
      ["2026-09-26T13:45:00.000Z", "2026-09-26T14:00:00.000Z", "2026-09-26T14:15:00.000Z"],
    ],
    [
      "Chatham every 15 minutes through its repeated 02:45–03:44",
      quarterHours("Pacific/Chatham"),
      "2026-04-04T12:50:00Z",
      [
        "2026-04-04T13:00:00.000Z", // 02:45 +13:45
        "2026-04-04T13:15:00.000Z",
        "2026-04-04T13:30:00.000Z",
        "2026-04-04T13:45:00.000Z", // 03:30 +13:45; 02:45–03:30 +12:45 do not fire again
        "2026-04-04T15:00:00.000Z", // 03:45 +12:45
      ],
    ],
    [
      "Kolkata every 15 minutes is steady",
      quarterHours("Asia/Kolkata"),
      "2026-10-25T00:50:00Z",
      ["2026-10-25T01:00:00.000Z", "2026-10-25T01:15:00.000Z", "2026-10-25T01:30:00.000Z"],
    ],
  ])("%s", (_label, trigger, cursor, expected) => {
    expect(due(trigger, cursor, expected.length)).toStrictEqual(expected);
  });
});

describe("calendar: dates and fields", () => {
  it.each<[string, TriggerSpec, string, string[]]>([
    [
      "the 31st only fires in 31-day months",
      daily("UTC", 0, 0, { day_of_month: values(31) }),
      "2026-01-01T00:00:00Z",
      [
        "2026-01-31T00:00:00.000Z",
        "2026-03-31T00:00:00.000Z",
        "2026-05-31T00:00:00.000Z",
        "2026-07-31T00:00:00.000Z",
        "2026-08-31T00:00:00.000Z",
        "2026-10-31T00:00:00.000Z",
        "2026-12-31T00:00:00.000Z",
        "2027-01-31T00:00:00.000Z",
      ],
    ],
    [
      "February 29th at 12:00 waits for the next leap year",
      daily("UTC", 12, 0, { month: values(2), day_of_month: values(29) }),
      "2026-01-01T00:00:00Z",
      ["2028-02-29T12:00:00.000Z", "2032-02-29T12:00:00.000Z"],
    ],
    [
      "February 29th skips 2100, which is not a leap year",
      daily("UTC", 12, 0, { month: values(2), day_of_month: values(29) }),
      "2096-03-01T00:00:00Z",
      ["2104-02-29T12:00:00.000Z"],
    ],
    [
      "February 29th in a timezone",
      daily("Europe/Berlin", 0, 30, { month: values(2), day_of_month: values(29) }),
      "2026-01-01T00:00:00Z",
      ["2028-02-28T23:30:00.000Z"],
    ],
    [
      "day_of_month AND day_of_week: Friday the 13th",
      daily("UTC", 9, 0, { day_of_month: values(13), day_of_week: values(5) }),
      "2026-01-01T00:00:00Z",
      [
        "2026-02-13T09:00:00.000Z",
        "2026-03-13T09:00:00.000Z",
        "2026-11-13T09:00:00.000Z",
        "2027-08-13T09:00:00.000Z",
      ],
    ],
    [
      "Mondays that are the 1st",
      daily("UTC", 9, 0, { day_of_month: values(1), day_of_week: values(1) }),
      "2026-01-01T00:00:00Z",
      ["2026-06-01T09:00:00.000Z", "2027-02-01T09:00:00.000Z", "2027-03-01T09:00:00.000Z"],
    ],
    [
      "day_of_week 7 is Sunday",
      daily("UTC", 8, 0, { day_of_week: values(7) }),
      "2026-01-01T00:00:00Z",
      ["2026-01-04T08:00:00.000Z", "2026-01-11T08:00:00.000Z"],
    ],
    [
      "weekdays evaluated on the local date, not the UTC one",
      daily("Pacific/Chatham", 8, 0, { day_of_week: values(1) }),
      "2026-07-01T00:00:00Z",
      // Monday 2026-07-06 08:00 at +12:45 is Sunday 19:15 UTC.
      ["2026-07-05T19:15:00.000Z", "2026-07-12T19:15:00.000Z"],
    ],
    [
      "year field: only that year",
      daily("UTC", 0, 0, { year: values(2027), month: values(1), day_of_month: values(1, 2) }),
      "2026-06-01T00:00:00Z",
      ["2027-01-01T00:00:00.000Z", "2027-01-02T00:00:00.000Z"],
    ],
    [
      "year field: a list of years",
      daily("UTC", 0, 0, { year: values(2031, 2027), month: values(7), day_of_month: values(4) }),
      "2026-06-01T00:00:00Z",
      ["2027-07-04T00:00:00.000Z", "2031-07-04T00:00:00.000Z"],
    ],
    [
      "year field in the past: nothing",
      daily("UTC", 0, 0, { year: values(2020) }),
      "2026-06-01T00:00:00Z",
      [],
    ],
    [
      "hour and minute lists",
      daily("UTC", [17, 9], [30, 0]),
      "2026-05-05T09:00:00Z",
      [
        "2026-05-05T09:30:00.000Z",
        "2026-05-05T17:00:00.000Z",
        "2026-05-05T17:30:00.000Z",
        "2026-05-06T09:00:00.000Z",
      ],
    ],
    [
      "out-of-range values never match",
      {
        type: "calendar",
        timezone: "UTC",
        minute: values(0, 75, -1),
        hour: values(9, 25),
        day_of_month: values(0, 15, 32),
        month: values(13, 6),
        day_of_week: values(8, -1, 1, 2, 3, 4, 5, 6, 0),
      },
      "2026-01-01T00:00:00Z",
      ["2026-06-15T09:00:00.000Z", "2027-06-15T09:00:00.000Z"],
    ],
    [
      "every minute",
      { type: "calendar", timezone: "Europe/Berlin" },
      "2026-05-05T10:00:30Z",
      ["2026-05-05T10:01:00.000Z", "2026-05-05T10:02:00.000Z", "2026-05-05T10:03:00.000Z"],
    ],
    [
      "every minute: a cursor on a whole minute is excluded",
      { type: "calendar", timezone: "UTC", minute: { kind: "any" } },
      "2026-05-05T10:00:00Z",
      ["2026-05-05T10:01:00.000Z", "2026-05-05T10:02:00.000Z"],
    ],
    [
      "end of year rolls over",
      daily("America/New_York", 23, 59),
      "2026-12-31T12:00:00Z",
      ["2027-01-01T04:59:00.000Z", "2027-01-02T04:59:00.000Z"],
    ],
    [
      "a stored trigger that is not normalised still works",
      daily("UTC", [9, 9], [0], { day_of_week: values(7, 6, 7) }),
      "2026-01-01T00:00:00Z",
      ["2026-01-03T09:00:00.000Z", "2026-01-04T09:00:00.000Z", "2026-01-10T09:00:00.000Z"],
    ],
  ])("%s", (_label, trigger, cursor, expected) => {
    expect(due(trigger, cursor, expected.length === 0 ? 5 : expected.length)).toStrictEqual(
      expected,
    );
  });

  it("stops at until (inclusive)", () => {
    const trigger = daily("UTC", 9, 0);
    const until = new Date("2026-05-07T09:00:00Z");
    expect(due(trigger, "2026-05-05T00:00:00Z", 10, until)).toStrictEqual([
      "2026-05-05T09:00:00.000Z",
      "2026-05-06T09:00:00.000Z",
      "2026-05-07T09:00:00.000Z",
    ]);
    expect(due(trigger, "2026-05-05T00:00:00Z", 10, new Date("2026-05-07T08:59:59Z"))).toHaveLength(
      2,
    );
  });

  it("a calendar whose only match is always a DST gap finds nothing (and finishes)", () => {
    // The last Sunday of March at 02:30 never exists in Europe/Berlin.
    const trigger = daily("Europe/Berlin", 2, 30, {
      month: values(3),
      day_of_month: values(25, 26, 27, 28, 29, 30, 31),
      day_of_week: values(0),
    });
    expect(due(trigger, "2026-01-01T00:00:00Z", 5, new Date("2400-01-01T00:00:00Z"))).toEqual([]);
  });

  it("an unknown timezone or an impossible stored calendar yields nothing", () => {
    expect(due(daily("Mars/Olympus", 9, 0), "2026-01-01T00:00:00Z")).toEqual([]);
    const never = daily("UTC", 0, 0, { month: values(2), day_of_month: values(30) });
    expect(due(never, "2026-01-01T00:00:00Z", 5, new Date("9999-12-31T23:59:59Z"))).toEqual([]);
  });
});

describe("interval", () => {
  const hourly: TriggerSpec = {
    type: "interval",
    start_at_utc: "2020-01-01T00:00:00.000Z",
    every_seconds: 3600,
  };

  it.each<[string, TriggerSpec, string, number, string[]]>([
    [
      "start in the past: first due strictly after the cursor, aligned to start",
      hourly,
      "2026-05-05T10:30:00Z",
      3,
      ["2026-05-05T11:00:00.000Z", "2026-05-05T12:00:00.000Z", "2026-05-05T13:00:00.000Z"],
    ],
    [
      "a cursor on a due time excludes it",
      hourly,
      "2026-05-05T11:00:00Z",
      1,
      ["2026-05-05T12:00:00.000Z"],
    ],
    [
      "a cursor before start: start is the first",
      hourly,
      "2019-12-31T00:00:00Z",
      2,
      ["2020-01-01T00:00:00.000Z", "2020-01-01T01:00:00.000Z"],
    ],
    [
      "end_at_utc is inclusive",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00.000Z",
        every_seconds: 600,
        end_at_utc: "2026-01-01T00:30:00.000Z",
      },
      "2025-12-31T00:00:00Z",
      10,
      [
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:10:00.000Z",
        "2026-01-01T00:20:00.000Z",
        "2026-01-01T00:30:00.000Z",
      ],
    ],
    [
      "end_at_utc between two due times",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00.000Z",
        every_seconds: 600,
        end_at_utc: "2026-01-01T00:25:00.000Z",
      },
      "2026-01-01T00:05:00Z",
      10,
      ["2026-01-01T00:10:00.000Z", "2026-01-01T00:20:00.000Z"],
    ],
    [
      "a cursor after end_at_utc: nothing",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00.000Z",
        every_seconds: 600,
        end_at_utc: "2026-01-01T00:30:00.000Z",
      },
      "2026-01-01T00:30:00Z",
      10,
      [],
    ],
    [
      "end_at_utc equal to start fires once",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00.000Z",
        every_seconds: 60,
        end_at_utc: "2026-01-01T00:00:00.000Z",
      },
      "2025-01-01T00:00:00Z",
      10,
      ["2026-01-01T00:00:00.000Z"],
    ],
    [
      "every second",
      { type: "interval", start_at_utc: "2026-01-01T00:00:00.000Z", every_seconds: 1 },
      "2026-01-01T00:00:00.500Z",
      3,
      ["2026-01-01T00:00:01.000Z", "2026-01-01T00:00:02.000Z", "2026-01-01T00:00:03.000Z"],
    ],
    [
      "every second, started decades ago",
      { type: "interval", start_at_utc: "1970-01-01T00:00:00.000Z", every_seconds: 1 },
      "2030-06-01T12:34:56Z",
      2,
      ["2030-06-01T12:34:57.000Z", "2030-06-01T12:34:58.000Z"],
    ],
    [
      "a large jump in k (every 7 s since 1970)",
      { type: "interval", start_at_utc: "1970-01-01T00:00:00.000Z", every_seconds: 7 },
      "2026-06-01T00:00:00Z",
      2,
      ["2026-06-01T00:00:04.000Z", "2026-06-01T00:00:11.000Z"],
    ],
    [
      "sub-second start offsets are kept",
      { type: "interval", start_at_utc: "2026-01-01T00:00:00.250Z", every_seconds: 60 },
      "2026-01-01T00:00:30Z",
      2,
      ["2026-01-01T00:01:00.250Z", "2026-01-01T00:02:00.250Z"],
    ],
    [
      "a period longer than the window",
      { type: "interval", start_at_utc: "2026-01-01T00:00:00.000Z", every_seconds: 31_536_000_000 },
      "2026-01-01T00:00:00Z",
      2,
      [],
    ],
  ])("%s", (_label, trigger, cursor, limit, expected) => {
    expect(due(trigger, cursor, limit)).toStrictEqual(expected);
  });

  it("stops at until (inclusive)", () => {
    expect(due(hourly, "2026-05-05T10:30:00Z", 10, new Date("2026-05-05T12:00:00Z"))).toEqual([
      "2026-05-05T11:00:00.000Z",
      "2026-05-05T12:00:00.000Z",
    ]);
  });
});

describe("once", () => {
  const once: TriggerSpec = { type: "once", due_at_utc: "2026-05-01T09:00:00.000Z" };

  it.each<[string, string, Date, string[]]>([
    ["due after the cursor", "2026-04-30T00:00:00Z", FAR, ["2026-05-01T09:00:00.000Z"]],
    ["due equal to the cursor", "2026-05-01T09:00:00Z", FAR, []],
    ["due before the cursor", "2026-05-02T00:00:00Z", FAR, []],
    ["due after until", "2026-04-30T00:00:00Z", new Date("2026-05-01T08:59:59Z"), []],
    [
      "due equal to until",
      "2026-04-30T00:00:00Z",
      new Date("2026-05-01T09:00:00Z"),
      ["2026-05-01T09:00:00.000Z"],
    ],
  ])("%s", (_label, cursor, until, expected) => {
    expect(due(once, cursor, 5, until)).toStrictEqual(expected);
  });
});

describe("dueTimesAfter: limits", () => {
  it("returns nothing for limit 0, a window that is empty, or an invalid clock", () => {
    const everyMinute: TriggerSpec = { type: "calendar", timezone: "UTC" };
    expect(due(everyMinute, "2026-01-01T00:00:00Z", 0)).toEqual([]);
    expect(due(everyMinute, "2026-01-01T00:00:00Z", 5, new Date("2026-01-01T00:00:00Z"))).toEqual(
      [],
    );
    expect(dueTimesAfter(everyMinute, new Date(Number.NaN), { limit: 5, until: FAR })).toEqual([]);
  });

  it("computes 64 occurrences of frequent and rare schedules quickly", () => {
    const everyMinute = dueTimesAfter(
      { type: "calendar", timezone: "America/New_York" },
      new Date("2026-11-01T05:30:00Z"),
      { limit: 64, until: FAR },
    );
    expect(everyMinute).toHaveLength(64);
    const yearly = dueTimesAfter(
      daily("Europe/Berlin", 9, 0, { month: values(7), day_of_month: values(4) }),
      new Date("2026-01-01T00:00:00Z"),
      { limit: 64, until: new Date("9999-12-31T23:59:59Z") },
    );
    expect(yearly).toHaveLength(64);
    expect(yearly.at(-1)?.toISOString()).toBe("2089-07-04T07:00:00.000Z");
    const leapDays = dueTimesAfter(
      daily("UTC", 12, 0, { month: values(2), day_of_month: values(29) }),
      new Date("2026-01-01T00:00:00Z"),
      { limit: 64, until: new Date("9999-12-31T23:59:59Z") },
    );
    expect(leapDays).toHaveLength(64);
    const interval = dueTimesAfter(
      { type: "interval", start_at_utc: "1970-01-01T00:00:00.000Z", every_seconds: 1 },
      new Date("2099-01-01T00:00:00Z"),
      { limit: 64, until: new Date("9999-12-31T23:59:59Z") },
    );
    expect(interval).toHaveLength(64);
  });
});

describe("previewTrigger", () => {
  it("notes a skipped local time (Europe/Berlin, spring)", () => {
    expect(
      previewTrigger(daily("Europe/Berlin", 2, 30), new Date("2026-03-27T12:00:00Z"), 3),
    ).toStrictEqual({
      fire_times: [
        "2026-03-28T01:30:00.000Z",
        "2026-03-30T00:30:00.000Z",
        "2026-03-31T00:30:00.000Z",
      ],
      dst_notes: [
        {
          local_time: "2026-03-29T02:30",
          timezone: "Europe/Berlin",
          kind: "skipped",
          detail:
            "02:30 does not exist on 2026-03-29 in Europe/Berlin (clocks jump from 02:00 to 03:00); this occurrence is skipped.",
        },
      ],
    });
  });

  it("notes a repeated local time (America/New_York, fall)", () => {
    expect(
      previewTrigger(daily("America/New_York", 1, 30), new Date("2026-10-30T12:00:00Z"), 3),
    ).toStrictEqual({
      fire_times: [
        "2026-10-31T05:30:00.000Z",
        "2026-11-01T05:30:00.000Z",
        "2026-11-02T06:30:00.000Z",
      ],
      dst_notes: [
        {
          local_time: "2026-11-01T01:30",
          timezone: "America/New_York",
          kind: "repeated",
          detail:
            "01:30 happens twice on 2026-11-01 in America/New_York; the schedule fires once, at the first 01:30 (EDT).",
        },
      ],
    });
  });

  it.each<[string, CalendarTrigger, string, DstExpectation[]]>([
    [
      "Berlin fall-back",
      daily("Europe/Berlin", 2, 30),
      "2026-10-23T12:00:00Z",
      [
        [
          "2026-10-25T02:30",
          "repeated",
          "02:30 happens twice on 2026-10-25 in Europe/Berlin; the schedule fires once, at the first 02:30 (UTC+02:00).",
        ],
      ],
    ],
    [
      "New York spring-forward",
      daily("America/New_York", 2, 30),
      "2026-03-06T12:00:00Z",
      [
        [
          "2026-03-08T02:30",
          "skipped",
          "02:30 does not exist on 2026-03-08 in America/New_York (clocks jump from 02:00 to 03:00); this occurrence is skipped.",
        ],
      ],
    ],
    [
      "Sydney fall-back in April",
      daily("Australia/Sydney", 2, 30),
      "2026-04-03T00:00:00Z",
      [
        [
          "2026-04-05T02:30",
          "repeated",
          "02:30 happens twice on 2026-04-05 in Australia/Sydney; the schedule fires once, at the first 02:30 (UTC+11:00).",
        ],
      ],
    ],
    [
      "Sydney spring-forward in October",
      daily("Australia/Sydney", 2, 30),
      "2026-10-02T00:00:00Z",
      [
        [
          "2026-10-04T02:30",
          "skipped",
          "02:30 does not exist on 2026-10-04 in Australia/Sydney (clocks jump from 02:00 to 03:00); this occurrence is skipped.",
        ],
      ],
    ],
    [
      "Chatham spring-forward at 02:45",
      daily("Pacific/Chatham", 3, 0),
      "2026-09-25T00:00:00Z",
      [
        [
          "2026-09-27T03:00",
          "skipped",
          "03:00 does not exist on 2026-09-27 in Pacific/Chatham (clocks jump from 02:45 to 03:45); this occurrence is skipped.",
        ],
      ],
    ],
    [
      "Chatham fall-back",
      daily("Pacific/Chatham", 3, 0),
      "2026-04-03T00:00:00Z",
      [
        [
          "2026-04-05T03:00",
          "repeated",
          "03:00 happens twice on 2026-04-05 in Pacific/Chatham; the schedule fires once, at the first 03:00 (UTC+13:45).",
        ],
      ],
    ],
    [
      "St John's half-hour zone, spring",
      daily("America/St_Johns", 2, 30),
      "2026-03-07T00:00:00Z",
      [
        [
          "2026-03-08T02:30",
          "skipped",
          "02:30 does not exist on 2026-03-08 in America/St_Johns (clocks jump from 02:00 to 03:00); this occurrence is skipped.",
        ],
      ],
    ],
    [
      "St John's half-hour zone, fall",
      daily("America/St_Johns", 1, 30),
      "2026-10-31T00:00:00Z",
      [
        [
          "2026-11-01T01:30",
          "repeated",
          "01:30 happens twice on 2026-11-01 in America/St_Johns; the schedule fires once, at the first 01:30 (UTC-02:30).",
        ],
      ],
    ],
    [
      "Lord Howe half-hour change",
      daily("Australia/Lord_Howe", 2, 15),
      "2026-10-02T00:00:00Z",
      [
        [
          "2026-10-04T02:15",
          "skipped",
          "02:15 does not exist on 2026-10-04 in Australia/Lord_Howe (clocks jump from 02:00 to 02:30); this occurrence is skipped.",
        ],
      ],
    ],
    [
      "Apia's missing day",
      daily("Pacific/Apia", 9, 0),
      "2011-12-28T00:00:00Z",
      [
        [
          "2011-12-30T09:00",
          "skipped",
          "09:00 does not exist on 2011-12-30 in Pacific/Apia (clocks jump from 00:00 to 2011-12-31 00:00); this occurrence is skipped.",
        ],
      ],
    ],
    ["Kolkata has no notes", daily("Asia/Kolkata", 2, 30), "2026-03-01T00:00:00Z", []],
  ])("%s", (_label, trigger, from, expected) => {
    const preview = previewTrigger(trigger, new Date(from), 3);
    expect(preview.fire_times).toHaveLength(3);
    expect(preview.dst_notes).toStrictEqual(
      expected.map(([local_time, kind, detail]) => ({
        local_time,
        timezone: trigger.timezone,
        kind,
        detail,
      })),
    );
  });

  it("notes every skipped and repeated quarter hour", () => {
    const quarterHours: CalendarTrigger = {
      type: "calendar",
      timezone: "Europe/Berlin",
      minute: values(0, 15, 30, 45),
    };
    const spring = previewTrigger(quarterHours, new Date("2026-03-29T00:30:00Z"), 4);
    expect(spring.fire_times).toEqual([
      "2026-03-29T00:45:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:15:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
    expect(spring.dst_notes.map((note) => [note.local_time, note.kind])).toEqual([
      ["2026-03-29T02:00", "skipped"],
      ["2026-03-29T02:15", "skipped"],
      ["2026-03-29T02:30", "skipped"],
      ["2026-03-29T02:45", "skipped"],
    ]);
    const fall = previewTrigger(quarterHours, new Date("2026-10-24T23:30:00Z"), 8);
    expect(fall.dst_notes.map((note) => [note.local_time, note.kind])).toEqual([
      ["2026-10-25T02:00", "repeated"],
      ["2026-10-25T02:15", "repeated"],
      ["2026-10-25T02:30", "repeated"],
      ["2026-10-25T02:45", "repeated"],
    ]);
  });

  it("notes only what falls within the previewed range", () => {
    // The three fire times end on 2026-03-23, before the transition.
    const early = previewTrigger(
      daily("Europe/Berlin", 2, 30),
      new Date("2026-03-20T12:00:00Z"),
      3,
    );
    expect(early.dst_notes).toEqual([]);
    // A cursor after the first 02:30 of the fall-back day: that day's 02:30 is not previewed.
    const late = previewTrigger(daily("Europe/Berlin", 2, 30), new Date("2026-10-25T01:00:00Z"), 2);
    expect(late).toStrictEqual({
      fire_times: ["2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z"],
      dst_notes: [],
    });
  });

  it("previews once and interval triggers without notes", () => {
    expect(
      previewTrigger(
        { type: "once", due_at_utc: "2026-05-01T09:00:00.000Z" },
        new Date("2026-01-01T00:00:00Z"),
        5,
      ),
    ).toStrictEqual({ fire_times: ["2026-05-01T09:00:00.000Z"], dst_notes: [] });
    expect(
      previewTrigger(
        { type: "interval", start_at_utc: "2026-03-29T00:00:00.000Z", every_seconds: 3600 },
        new Date("2026-03-29T00:30:00Z"),
        2,
      ),
    ).toStrictEqual({
      fire_times: ["2026-03-29T01:00:00.000Z", "2026-03-29T02:00:00.000Z"],
      dst_notes: [],
    });
  });

  it("caps the count at 1000 and the range at ten years", () => {
    const everyMinute = previewTrigger(
      { type: "calendar", timezone: "Europe/Berlin" },
      new Date("2026-03-29T00:00:00Z"),
      5000,
    );
    expect(everyMinute.fire_times).toHaveLength(1000);
    // Minutes 02:00–02:59 local do not exist that night.
    expect(everyMinute.dst_notes).toHaveLength(60);
    expect(previewTrigger({ type: "calendar", timezone: "UTC" }, new Date(), 0)).toEqual({
      fire_times: [],
      dst_notes: [],
    });
    expect(
      previewTrigger({ type: "calendar", timezone: "UTC" }, new Date(), -3).fire_times,
    ).toEqual([]);
    const from = new Date("2026-01-01T00:00:00Z");
    const in2035 = daily("UTC", 0, 0, {
      year: values(2035),
      month: values(12),
      day_of_month: values(31),
    });
    expect(previewTrigger(in2035, from, 5).fire_times).toEqual(["2035-12-31T00:00:00.000Z"]);
    const in2037 = daily("UTC", 0, 0, { year: values(2037) });
    expect(previewTrigger(in2037, from, 5).fire_times).toEqual([]);
    expect(
      previewTrigger({ type: "once", due_at_utc: "2036-01-01T00:00:01.000Z" }, from, 5).fire_times,
    ).toEqual([]);
  });
});

type DstExpectation = [local_time: string, kind: "skipped" | "repeated", detail: string];

describe("normalizeTrigger", () => {
  it.each<[string, unknown, TriggerSpec]>([
    [
      "once, with an offset",
      { type: "once", due_at_utc: "2026-05-01T09:00:00+02:00" },
      { type: "once", due_at_utc: "2026-05-01T07:00:00.000Z" },
    ],
    [
      "once, lower-case separators and a fraction",
      { type: "once", due_at_utc: "2026-05-01t09:00:00.123456z", extra: true },
      { type: "once", due_at_utc: "2026-05-01T09:00:00.123Z" },
    ],
    [
      "once, an offset that crosses midnight",
      { type: "once", due_at_utc: "2026-01-01T01:00:00+05:30" },
      { type: "once", due_at_utc: "2025-12-31T19:30:00.000Z" },
    ],
    [
      "interval",
      { type: "interval", start_at_utc: "2026-01-01T00:00:00Z", every_seconds: 60 },
      { type: "interval", start_at_utc: "2026-01-01T00:00:00.000Z", every_seconds: 60 },
    ],
    [
      "interval with end_at_utc",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00Z",
        every_seconds: 1,
        end_at_utc: "2026-01-01T01:00:00-01:00",
      },
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00.000Z",
        every_seconds: 1,
        end_at_utc: "2026-01-01T02:00:00.000Z",
      },
    ],
    [
      "interval with end_at_utc equal to start, and a null end is absent",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00Z",
        every_seconds: 5,
        end_at_utc: "2026-01-01T00:00:00Z",
      },
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00.000Z",
        every_seconds: 5,
        end_at_utc: "2026-01-01T00:00:00.000Z",
      },
    ],
    [
      "interval with a null end_at_utc",
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00Z",
        every_seconds: 5,
        end_at_utc: null,
      },
      { type: "interval", start_at_utc: "2026-01-01T00:00:00.000Z", every_seconds: 5 },
    ],
    [
      "calendar: values sorted and deduplicated, day_of_week 7 stored as 0, any kept",
      {
        type: "calendar",
        timezone: "Europe/Berlin",
        minute: { kind: "values", values: [30, 0, 30], note: "dropped" },
        hour: { kind: "any" },
        day_of_week: { kind: "values", values: [7, 1, 0] },
        month: null,
        color: "blue",
      },
      {
        type: "calendar",
        timezone: "Europe/Berlin",
        minute: values(0, 30),
        hour: { kind: "any" },
        day_of_week: values(0, 1),
      },
    ],
    [
      "calendar: out-of-range values are kept (they never match)",
      { type: "calendar", timezone: "UTC", hour: { kind: "values", values: [25, 9] } },
      { type: "calendar", timezone: "UTC", hour: values(9, 25) },
    ],
    [
      "calendar: timezone case is canonicalised",
      { type: "calendar", timezone: "europe/berlin" },
      { type: "calendar", timezone: "Europe/Berlin" },
    ],
    [
      "calendar: every field",
      {
        type: "calendar",
        timezone: "Asia/Kolkata",
        minute: { kind: "values", values: [0] },
        hour: { kind: "values", values: [9] },
        day_of_month: { kind: "values", values: [1] },
        month: { kind: "values", values: [1] },
        day_of_week: { kind: "any" },
        year: { kind: "values", values: [2030, 2027] },
      },
      {
        type: "calendar",
        timezone: "Asia/Kolkata",
        minute: values(0),
        hour: values(9),
        day_of_month: values(1),
        month: values(1),
        day_of_week: { kind: "any" },
        year: values(2027, 2030),
      },
    ],
    [
      "calendar: February 29th is possible",
      { type: "calendar", timezone: "UTC", month: values(2), day_of_month: values(29) },
      { type: "calendar", timezone: "UTC", month: values(2), day_of_month: values(29) },
    ],
    [
      "cron becomes the equivalent calendar",
      { type: "cron", expression: "30 2 * * *", timezone: "Europe/Berlin" },
      { type: "calendar", timezone: "Europe/Berlin", minute: values(30), hour: values(2) },
    ],
    [
      "cron with names and AND semantics",
      { type: "cron", expression: "0 9 1 * MON", timezone: "America/New_York" },
      {
        type: "calendar",
        timezone: "America/New_York",
        minute: values(0),
        hour: values(9),
        day_of_month: values(1),
        day_of_week: values(1),
      },
    ],
    [
      "cron every minute",
      { type: "cron", expression: "* * * * *", timezone: "UTC" },
      { type: "calendar", timezone: "UTC" },
    ],
  ])("%s", (_label, raw, expected) => {
    expect(normalized(raw)).toStrictEqual(expected);
  });

  const shape = `must be {"kind":"any"} or {"kind":"values","values":[…]}`;
  const rfc = "must be an RFC 3339 timestamp such as 2026-01-01T09:00:00Z, got";

  it.each<[unknown, string]>([
    [null, "expected an object with a type"],
    ["once", "expected an object with a type"],
    [[], "expected an object with a type"],
    [{}, "type is required (once, interval, calendar or cron)"],
    [{ type: "weekly" }, "unknown type 'weekly' (expected once, interval, calendar or cron)"],
    [{ type: 3 }, "unknown type 3 (expected once, interval, calendar or cron)"],
    // once
    [{ type: "once" }, "due_at_utc is required"],
    [{ type: "once", due_at_utc: "2026-05-01" }, `due_at_utc ${rfc} '2026-05-01'`],
    [
      { type: "once", due_at_utc: "2026-05-01T09:00:00" },
      `due_at_utc ${rfc} '2026-05-01T09:00:00'`,
    ],
    [
      { type: "once", due_at_utc: "2026-02-30T09:00:00Z" },
      `due_at_utc ${rfc} '2026-02-30T09:00:00Z'`,
    ],
    [
      { type: "once", due_at_utc: "2026-05-01T24:00:00Z" },
      `due_at_utc ${rfc} '2026-05-01T24:00:00Z'`,
    ],
    [
      { type: "once", due_at_utc: "2026-05-01T09:00:60Z" },
      `due_at_utc ${rfc} '2026-05-01T09:00:60Z'`,
    ],
    [
      { type: "once", due_at_utc: "2026-05-01 09:00:00Z" },
      `due_at_utc ${rfc} '2026-05-01 09:00:00Z'`,
    ],
    [
      { type: "once", due_at_utc: "2026-05-01T09:00:00+24:00" },
      `due_at_utc ${rfc} '2026-05-01T09:00:00+24:00'`,
    ],
    [{ type: "once", due_at_utc: 1_777_000_000 }, `due_at_utc ${rfc} 1777000000`],
    // interval
    [{ type: "interval", every_seconds: 60 }, "start_at_utc is required"],
    [{ type: "interval", start_at_utc: "soon", every_seconds: 60 }, `start_at_utc ${rfc} 'soon'`],
    ...[0, -1, 1.5, "60", null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map(
      (every): [unknown, string] => [
        { type: "interval", start_at_utc: "2026-01-01T00:00:00Z", every_seconds: every },
        "every_seconds must be an integer >= 1",
      ],
    ),
    [
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00Z",
        every_seconds: 60,
        end_at_utc: "2025-12-31T23:59:59Z",
      },
      "end_at_utc must not be before start_at_utc",
    ],
    [
      { type: "interval", start_at_utc: "2026-01-01T00:00:00Z", every_seconds: 60, end_at_utc: 5 },
      `end_at_utc ${rfc} 5`,
    ],
    // calendar
    [{ type: "calendar", timezone: "Mars/Olympus" }, "invalid IANA timezone: Mars/Olympus"],
    [{ type: "calendar", timezone: "+05:00" }, "invalid IANA timezone: +05:00"],
    [{ type: "calendar", timezone: 42 }, "invalid IANA timezone: 42"],
    [{ type: "calendar" }, "timezone is required (an IANA name such as Europe/Berlin)"],
    [
      { type: "calendar", timezone: "" },
      "timezone is required (an IANA name such as Europe/Berlin)",
    ],
    [{ type: "calendar", timezone: "UTC", hour: 9 }, `hour ${shape}`],
    [{ type: "calendar", timezone: "UTC", hour: [9] }, `hour ${shape}`],
    [{ type: "calendar", timezone: "UTC", hour: { kind: "list", values: [9] } }, `hour ${shape}`],
    [
      { type: "calendar", timezone: "UTC", minute: { kind: "values", values: [] } },
      "minute.values must be a non-empty array of integers",
    ],
    [
      { type: "calendar", timezone: "UTC", minute: { kind: "values" } },
      "minute.values must be a non-empty array of integers",
    ],
    [
      { type: "calendar", timezone: "UTC", day_of_month: { kind: "values", values: [1, 1.5] } },
      "day_of_month.values must contain only integers, got 1.5",
    ],
    [
      { type: "calendar", timezone: "UTC", year: { kind: "values", values: ["2027"] } },
      "year.values must contain only integers, got '2027'",
    ],
    [
      { type: "calendar", timezone: "UTC", month: values(2), day_of_month: values(30) },
      "the calendar never matches",
    ],
    [
      { type: "calendar", timezone: "UTC", month: values(4, 6, 9, 11), day_of_month: values(31) },
      "the calendar never matches",
    ],
    [{ type: "calendar", timezone: "UTC", hour: values(24) }, "the calendar never matches"],
    [{ type: "calendar", timezone: "UTC", minute: values(60, -1) }, "the calendar never matches"],
    [{ type: "calendar", timezone: "UTC", day_of_week: values(8) }, "the calendar never matches"],
    [{ type: "calendar", timezone: "UTC", month: values(0, 13) }, "the calendar never matches"],
    [
      {
        type: "calendar",
        timezone: "UTC",
        year: values(2027),
        month: values(2),
        day_of_month: values(29),
      },
      "the calendar never matches",
    ],
    [
      // 2026-02-13 is a Friday; no other 13th in February 2026.
      {
        type: "calendar",
        timezone: "UTC",
        year: values(2026),
        month: values(2),
        day_of_month: values(13),
        day_of_week: values(1),
      },
      "the calendar never matches",
    ],
    // cron
    [
      { type: "cron", expression: "61 * * * *", timezone: "UTC" },
      "invalid cron expression '61 * * * *': minute: value 61 is out of range 0-59",
    ],
    [
      { type: "cron", expression: "0 9 * *", timezone: "UTC" },
      "invalid cron expression '0 9 * *': expected 5 fields (minute hour day-of-month month day-of-week), got 4",
    ],
    [
      { type: "cron", expression: "*/0 * * * *", timezone: "UTC" },
      "invalid cron expression '*/0 * * * *': minute: step must be an integer >= 1, got '0'",
    ],
    [
      { type: "cron", expression: "0 0 * * FUN", timezone: "UTC" },
      "invalid cron expression '0 0 * * FUN': day-of-week: unknown name 'FUN'",
    ],
    [{ type: "cron", timezone: "UTC" }, "expression is required (a five-field cron expression)"],
    [
      { type: "cron", expression: "0 9 * * *", timezone: "Mars/Olympus" },
      "invalid IANA timezone: Mars/Olympus",
    ],
    [
      { type: "cron", expression: "0 9 * * *" },
      "timezone is required (an IANA name such as Europe/Berlin)",
    ],
    [{ type: "cron", expression: "0 0 30 2 *", timezone: "UTC" }, "the calendar never matches"],
  ])("%j → %s", (raw, problem) => {
    expect(errorOf(raw)).toBe(`invalid trigger: ${problem}`);
  });

  it("matches the contract's exact messages", () => {
    expect(errorOf({ type: "calendar", timezone: "Mars/Olympus" })).toBe(
      "invalid trigger: invalid IANA timezone: Mars/Olympus",
    );
    expect(
      errorOf({ type: "interval", start_at_utc: "2026-01-01T00:00:00Z", every_seconds: 0 }),
    ).toBe("invalid trigger: every_seconds must be an integer >= 1");
    expect(
      errorOf({
        type: "calendar",
        timezone: "UTC",
        month: { kind: "values", values: [2] },
        day_of_month: { kind: "values", values: [30] },
      }),
    ).toBe("invalid trigger: the calendar never matches");
  });

  it("stores cron as a calendar that fires like the cron expression", () => {
    const trigger = normalized({ type: "cron", expression: "0 9 1 * MON", timezone: "UTC" });
    expect(due(trigger, "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-06-01T09:00:00.000Z",
      "2027-02-01T09:00:00.000Z",
    ]);
    const berlin = normalized({
      type: "cron",
      expression: "30 2 * * *",
      timezone: "Europe/Berlin",
    });
    expect(due(berlin, "2026-03-27T12:00:00Z", 2)).toEqual(
      due(daily("Europe/Berlin", 2, 30), "2026-03-27T12:00:00Z", 2),
    );
  });

  it("is idempotent on its own output", () => {
    for (const raw of [
      { type: "once", due_at_utc: "2026-05-01T09:00:00+02:00" },
      {
        type: "interval",
        start_at_utc: "2026-01-01T00:00:00Z",
        every_seconds: 9,
        end_at_utc: "2026-02-01T00:00:00Z",
      },
      { type: "cron", expression: "*/5 9-17 * * MON-FRI", timezone: "Europe/Berlin" },
    ]) {
      const once = normalized(raw);
      expect(normalized(once)).toStrictEqual(once);
    }
  });
});

describe("helpers", () => {
  it.each<[unknown, boolean]>([
    ["Europe/Berlin", true],
    ["America/St_Johns", true],
    ["UTC", true],
    ["Etc/GMT+5", true],
    ["Mars/Olympus", false],
    ["", false],
    ["+05:00", false],
    [42, false],
    [undefined, false],
  ])("isValidTimezone(%j) = %s", (tz, expected) => {
    expect(isValidTimezone(tz)).toBe(expected);
  });

  it.each<[string, number | undefined]>([
    ["2026-05-01T09:00:00Z", Date.UTC(2026, 4, 1, 9)],
    ["2026-05-01T09:00:00.5+00:00", Date.UTC(2026, 4, 1, 9, 0, 0, 500)],
    ["2026-05-01T09:00:00-00:00", Date.UTC(2026, 4, 1, 9)],
    ["2024-02-29T23:59:59+23:59", Date.UTC(2024, 1, 29, 0, 0, 59)],
    ["0099-01-01T00:00:00Z", new Date("0099-01-01T00:00:00Z").getTime()],
    ["2023-02-29T00:00:00Z", undefined],
    ["2026-05-01T09:00Z", undefined],
    ["2026-5-01T09:00:00Z", undefined],
    ["20260501T090000Z", undefined],
    ["2026-05-01T09:00:00+0200", undefined],
  ])("parseRfc3339(%j)", (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });
});
