import { describe, expect, it } from "vitest";
import { cronToCalendar } from "./cron.js";
import type { CalendarTrigger } from "./trigger-types.js";

const values = (...list: number[]) => ({ kind: "values" as const, values: list });

function calendar(expression: string): CalendarTrigger {
  const result = cronToCalendar(expression, "Europe/Berlin");
  if ("error" in result) throw new Error(result.error);
  return result.trigger;
}

describe("cronToCalendar: valid expressions", () => {
  it.each<[string, Omit<CalendarTrigger, "type" | "timezone">]>([
    ["* * * * *", {}],
    ["0 9 * * 1-5", { minute: values(0), hour: values(9), day_of_week: values(1, 2, 3, 4, 5) }],
    ["*/15 * * * *", { minute: values(0, 15, 30, 45) }],
    ["*/7 * * * *", { minute: values(0, 7, 14, 21, 28, 35, 42, 49, 56) }],
    ["5-20/5 * * * *", { minute: values(5, 10, 15, 20) }],
    ["10/20 * * * *", { minute: values(10, 30, 50) }],
    [
      "0 0,12 1,15-17 * *",
      { minute: values(0), hour: values(0, 12), day_of_month: values(1, 15, 16, 17) },
    ],
    ["0 0 * JAN,jul *", { minute: values(0), hour: values(0), month: values(1, 7) }],
    ["0 0 * Mar-May *", { minute: values(0), hour: values(0), month: values(3, 4, 5) }],
    [
      "0 0 31 */2 *",
      {
        minute: values(0),
        hour: values(0),
        day_of_month: values(31),
        month: values(1, 3, 5, 7, 9, 11),
      },
    ],
    ["0 0 * * SUN", { minute: values(0), hour: values(0), day_of_week: values(0) }],
    ["0 0 * * 7", { minute: values(0), hour: values(0), day_of_week: values(0) }],
    ["0 0 * * 0,7", { minute: values(0), hour: values(0), day_of_week: values(0) }],
    ["0 0 * * FRI-SUN", { minute: values(0), hour: values(0), day_of_week: values(0, 5, 6) }],
    ["0 0 * * 5-7", { minute: values(0), hour: values(0), day_of_week: values(0, 5, 6) }],
    ["0 0 * * mon-Fri", { minute: values(0), hour: values(0), day_of_week: values(1, 2, 3, 4, 5) }],
    ["0 0 * * */2", { minute: values(0), hour: values(0), day_of_week: values(0, 2, 4, 6) }],
    // A field whose values cover its whole range is the same as "*".
    ["0-59 * * * *", {}],
    ["*/1 * 1-31 * *", {}],
    ["0 0 * * 0-7", { minute: values(0), hour: values(0) }],
    ["0 0 * JAN-DEC SUN-SAT", { minute: values(0), hour: values(0) }],
    // AND semantics: Mondays that are the 1st, not "the 1st or any Monday".
    [
      "0 9 1 * MON",
      { minute: values(0), hour: values(9), day_of_month: values(1), day_of_week: values(1) },
    ],
    ["  05   9  * *   *  ", { minute: values(5), hour: values(9) }],
    ["@hourly", { minute: values(0) }],
    ["@daily", { minute: values(0), hour: values(0) }],
    ["@midnight", { minute: values(0), hour: values(0) }],
    ["@DAILY", { minute: values(0), hour: values(0) }],
    ["@weekly", { minute: values(0), hour: values(0), day_of_week: values(0) }],
    ["@monthly", { minute: values(0), hour: values(0), day_of_month: values(1) }],
    ["@yearly", { minute: values(0), hour: values(0), day_of_month: values(1), month: values(1) }],
    [
      "@annually",
      { minute: values(0), hour: values(0), day_of_month: values(1), month: values(1) },
    ],
  ])("%s", (expression, fields) => {
    expect(calendar(expression)).toStrictEqual({
      type: "calendar",
      timezone: "Europe/Berlin",
      ...fields,
    });
  });
});

describe("cronToCalendar: invalid expressions", () => {
  it.each([
    ["", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"],
    ["   ", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"],
    ["* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"],
    ["0 0 * * * 2026", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"],
    ["60 * * * *", "minute: value 60 is out of range 0-59"],
    ["0 24 * * *", "hour: value 24 is out of range 0-23"],
    ["0 0 0 * *", "day-of-month: value 0 is out of range 1-31"],
    ["0 0 32 * *", "day-of-month: value 32 is out of range 1-31"],
    ["0 0 * 13 *", "month: value 13 is out of range 1-12"],
    ["0 0 * 0 *", "month: value 0 is out of range 1-12"],
    ["0 0 * * 8", "day-of-week: value 8 is out of range 0-7"],
    ["*/0 * * * *", "minute: step must be an integer >= 1, got '0'"],
    ["*/x * * * *", "minute: step must be an integer >= 1, got 'x'"],
    ["0 1-5/ * * *", "hour: step must be an integer >= 1, got ''"],
    ["1/2/3 * * * *", "minute: bad step in '1/2/3'"],
    ["1-2-3 * * * *", "minute: bad range '1-2-3'"],
    ["5-1 * * * *", "minute: range '5-1' runs backwards"],
    ["0 0 * DEC-JAN *", "month: range 'DEC-JAN' runs backwards"],
    ["a * * * *", "minute: bad value 'a'"],
    ["? * * * *", "minute: bad value '?'"],
    ["1.5 * * * *", "minute: bad value '1.5'"],
    ["-5 * * * *", "minute: bad value ''"],
    ["0 MON * * *", "hour: bad value 'MON'"],
    ["0 0 * FOO *", "month: unknown name 'FOO'"],
    ["0 0 * * MONDAY", "day-of-week: unknown name 'MONDAY'"],
    ["1,,2 * * * *", "minute: empty list element"],
    ["1, * * * *", "minute: empty list element"],
    ["@reboot", "unknown macro '@reboot'"],
  ])("%j → %s", (expression, reason) => {
    expect(cronToCalendar(expression, "UTC")).toStrictEqual({
      error: `invalid cron expression '${expression}': ${reason}`,
    });
  });
});
