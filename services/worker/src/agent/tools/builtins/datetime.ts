/** The `datetime` tool: the current date and time, in UTC or an IANA time zone. */
import { toolError, toolJson, type Tool } from "../types.js";
import { strictObject, stringProp } from "./schema.js";

export interface DateTimeJson {
  /** RFC 3339 with the zone's offset, e.g. 2025-03-01T09:30:00+01:00 (Z for UTC). */
  iso8601: string;
  date: string;
  time: string;
  timezone: string;
  unix_timestamp: number;
  /** Zero-padded strings, as the reference returns them ("2025", "03", "01"). */
  year: string;
  month: string;
  day: string;
  weekday: string;
}

/** Thrown for a zone name Intl does not know. */
export class InvalidTimeZoneError extends Error {}

/** Offset of `date` in `timeZone` as ±HH:MM, from Intl's "GMT+5:30" style name. */
function offsetOf(date: Date, timeZone: string): string {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
      .formatToParts(date)
      .find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(name);
  if (!match) return "+00:00";
  const [, sign = "+", hours = "0", minutes = "00"] = match;
  return `${sign}${hours.padStart(2, "0")}:${minutes}`;
}

/** Formats `date` in `timeZone` (an IANA name; default UTC). Pure, so it is unit-tested. */
export function formatDateTime(date: Date, timeZone = "UTC"): DateTimeJson {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "long",
    }).formatToParts(date);
  } catch {
    throw new InvalidTimeZoneError(`Unknown time zone: ${timeZone}`);
  }
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((part) => part.type === type)?.value ?? "";
  const year = get("year").padStart(4, "0");
  const month = get("month");
  const day = get("day");
  const time = `${get("hour")}:${get("minute")}:${get("second")}`;
  const offset = offsetOf(date, timeZone);
  return {
    iso8601: `${year}-${month}-${day}T${time}${offset === "+00:00" ? "Z" : offset}`,
    date: `${year}-${month}-${day}`,
    time,
    timezone: timeZone,
    unix_timestamp: Math.floor(date.getTime() / 1000),
    year,
    month,
    day,
    weekday: get("weekday"),
  };
}

export const datetimeTool: Tool = {
  name: "datetime",
  description:
    "Get the current date and time (ISO 8601, date, time, weekday, Unix timestamp). Use it " +
    "whenever the answer depends on today's date or the time; you have no clock of your own. " +
    "UTC unless `timezone` names an IANA time zone such as Europe/Paris.",
  inputSchema: strictObject({
    timezone: stringProp('An IANA time zone name, e.g. "America/New_York" (default UTC).', {
      minLength: 1,
    }),
  }),
  execute(raw) {
    const { timezone } = raw as { timezone?: string };
    try {
      return Promise.resolve(toolJson(formatDateTime(new Date(), timezone)));
    } catch (error) {
      if (error instanceof InvalidTimeZoneError) return Promise.resolve(toolError(error.message));
      throw error;
    }
  },
};
