/**
 * Schedule trigger maths (contract §7.2, §7.4): validation of wire triggers into their stored
 * form, due times strictly after a cursor, and previews with daylight-saving notes. Everything
 * here is pure; the clock is always a parameter.
 *
 * Calendar triggers are evaluated per wall-clock minute in their IANA timezone: a minute fires
 * when its local (year, month, day, hour, minute) matches every restricted field, day_of_month
 * AND day_of_week alike (0 = Sunday; 7 is stored as 0). Values outside a field's range are kept
 * but never match. Due times always have zero seconds.
 *
 * Daylight saving, decided here:
 * - A local time that does not exist (the spring-forward gap, e.g. 02:30 in Europe/Berlin on
 *   2026-03-29) does not fire that day. It is not moved to 03:00 or later.
 * - A local time that exists twice (the fall-back overlap, e.g. 02:30 in Europe/Berlin on
 *   2026-10-25) fires once, at its first instant (the one still on daylight time). It does not
 *   fire again when the clock repeats it. A cursor between the two instants therefore sees no
 *   further occurrence of that local time.
 * - So an "every 15 minutes" calendar pauses for the repeated hour at fall-back and has no
 *   occurrences in the skipped hour at spring-forward; an interval trigger keeps a steady rate.
 *
 * Timestamps are RFC 3339 on input (any offset) and stored as `Date#toISOString()` strings
 * (UTC, `Z`, milliseconds), the form used elsewhere in the service.
 */
import { IANAZone } from "luxon";
import { cronToCalendar } from "./cron.js";
import type {
  CalendarField,
  CalendarTrigger,
  DstNote,
  IntervalTrigger,
  OnceTrigger,
  TriggerSpec,
} from "./trigger-types.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Calendar searches never go past this local year (ISO strings stay four-digit). */
const MAX_YEAR = 9999;
/** The Gregorian calendar repeats every 400 years: a search that long without a match stops. */
const CALENDAR_CYCLE_YEARS = 400;
/** previewTrigger looks this far ahead, for at most this many fire times. */
const PREVIEW_YEARS = 10;
const PREVIEW_MAX_COUNT = 1000;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants with a four-digit UTC year. */
const FIRST_INSTANT_MS = -62_167_219_200_000;
const LAST_INSTANT_MS = Date.UTC(MAX_YEAR, 11, 31, 23, 59, 59, 999);

export type NormalizeTriggerResult = { trigger: TriggerSpec } | { error: string };

// ------------------------------------------------------------------------------------------------
// Validation

/** True when `tz` names an IANA timezone known to the runtime (e.g. "Europe/Berlin", "UTC"). */
export function isValidTimezone(tz: unknown): tz is string {
  return typeof tz === "string" && tz !== "" && IANAZone.isValidZone(tz);
}

/**
 * Validates a trigger from the wire (`once`, `interval`, `calendar`, or `cron` authoring) and
 * returns its stored form, or an error message starting with `invalid trigger: `. Unknown keys
 * are dropped. A cron trigger becomes the equivalent calendar trigger.
 */
export function normalizeTrigger(raw: unknown): NormalizeTriggerResult {
  if (!isRecord(raw)) return invalid("expected an object with a type");
  const type = raw["type"];
  switch (type) {
    case "once":
      return normalizeOnce(raw);
    case "interval":
      return normalizeInterval(raw);
    case "calendar":
      return normalizeCalendar(raw);
    case "cron":
      return normalizeCron(raw);
    default:
      return invalid(
        type === undefined || type === null
          ? "type is required (once, interval, calendar or cron)"
          : `unknown type ${describe(type)} (expected once, interval, calendar or cron)`,
      );
  }
}

function normalizeOnce(raw: Record<string, unknown>): NormalizeTriggerResult {
  const due = readTimestamp(raw, "due_at_utc");
  if (typeof due !== "number") return due;
  const trigger: OnceTrigger = { type: "once", due_at_utc: formatUtc(due) };
  return { trigger };
}

function normalizeInterval(raw: Record<string, unknown>): NormalizeTriggerResult {
  const start = readTimestamp(raw, "start_at_utc");
  if (typeof start !== "number") return start;
  const every = raw["every_seconds"];
  if (typeof every !== "number" || !Number.isSafeInteger(every) || every < 1) {
    return invalid("every_seconds must be an integer >= 1");
  }
  const trigger: IntervalTrigger = {
    type: "interval",
    start_at_utc: formatUtc(start),
    every_seconds: every,
  };
  if (raw["end_at_utc"] !== undefined && raw["end_at_utc"] !== null) {
    const end = readTimestamp(raw, "end_at_utc");
    if (typeof end !== "number") return end;
    if (end < start) return invalid("end_at_utc must not be before start_at_utc");
    trigger.end_at_utc = formatUtc(end);
  }
  return { trigger };
}

const CALENDAR_FIELDS = [
  "minute",
  "hour",
  "day_of_month",
  "month",
  "day_of_week",
  "year",
] as const satisfies readonly (keyof CalendarTrigger)[];

function normalizeCalendar(raw: Record<string, unknown>): NormalizeTriggerResult {
  const timezone = raw["timezone"];
  if (timezone === undefined || timezone === null || timezone === "") {
    return invalid("timezone is required (an IANA name such as Europe/Berlin)");
  }
  if (!isValidTimezone(timezone)) {
    return invalid(
      `invalid IANA timezone: ${typeof timezone === "string" ? timezone : describe(timezone)}`,
    );
  }
  const trigger: CalendarTrigger = { type: "calendar", timezone: canonicalZoneName(timezone) };
  for (const key of CALENDAR_FIELDS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const field = normalizeField(key, value);
    if (typeof field === "string") return invalid(field);
    trigger[key] = field;
  }
  if (calendarNeverMatches(trigger)) return invalid("the calendar never matches");
  return { trigger };
}

function normalizeCron(raw: Record<string, unknown>): NormalizeTriggerResult {
  const expression = raw["expression"];
  if (typeof expression !== "string") {
    return invalid("expression is required (a five-field cron expression)");
  }
  const converted = cronToCalendar(expression, "");
  if ("error" in converted) return invalid(converted.error);
  // The calendar path validates the timezone and checks that the result can ever match.
  return normalizeCalendar({ ...converted.trigger, timezone: raw["timezone"] });
}

/** Returns the normalised field, or an error message (without the `invalid trigger: ` prefix). */
function normalizeField(
  key: (typeof CALENDAR_FIELDS)[number],
  value: unknown,
): CalendarField | string {
  const shape = `${key} must be {"kind":"any"} or {"kind":"values","values":[…]}`;
  if (!isRecord(value)) return shape;
  if (value["kind"] === "any") return { kind: "any" };
  if (value["kind"] !== "values") return shape;
  const values = value["values"];
  if (!Array.isArray(values) || values.length === 0) {
    return `${key}.values must be a non-empty array of integers`;
  }
  const unique = new Set<number>();
  for (const item of values as unknown[]) {
    if (typeof item !== "number" || !Number.isSafeInteger(item)) {
      return `${key}.values must contain only integers, got ${describe(item)}`;
    }
    unique.add(key === "day_of_week" && item === 7 ? 0 : item);
  }
  return { kind: "values", values: [...unique].sort((a, b) => a - b) };
}

/**
 * True when no date in any year can match (e.g. February 30th, or an hour of 24). Years are
 * checked without a clock: a year list in the past is accepted and simply plans nothing, like a
 * `once` trigger in the past. A calendar whose only matches fall in daylight-saving gaps is
 * accepted too; it never fires.
 */
function calendarNeverMatches(trigger: CalendarTrigger): boolean {
  const spec = compileFields(trigger);
  if (spec === undefined) return true;
  if (spec.years === undefined) {
    // Every valid (month, day), February 29th included, falls on each weekday in 400 years.
    return !spec.months.some((month) => spec.days.some((day) => day <= daysInMonth(2000, month)));
  }
  for (const year of spec.years) {
    if (year < 1 || year > MAX_YEAR) continue;
    for (const month of spec.months) {
      const length = daysInMonth(year, month);
      for (const day of spec.days) {
        if (day > length) break;
        if (spec.weekdays[weekday(daysFromCivil(year, month, day))]) return false;
      }
    }
  }
  return true;
}

function readTimestamp(
  raw: Record<string, unknown>,
  key: "due_at_utc" | "start_at_utc" | "end_at_utc",
): number | { error: string } {
  const value = raw[key];
  if (value === undefined || value === null) return invalid(`${key} is required`);
  const ms = typeof value === "string" ? parseRfc3339(value) : undefined;
  if (ms === undefined) {
    return invalid(
      `${key} must be an RFC 3339 timestamp such as 2026-01-01T09:00:00Z, got ${describe(value)}`,
    );
  }
  // An offset can carry a four-digit year out of range in UTC, where it has no RFC 3339 form.
  if (ms < FIRST_INSTANT_MS || ms > LAST_INSTANT_MS) {
    return invalid(`${key} must fall in years 0000 to 9999 in UTC, got ${describe(value)}`);
  }
  return ms;
}

function invalid(problem: string): { error: string } {
  return { error: `invalid trigger: ${problem}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = `'${value}'`;
  else if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    text = typeof value;
  } else text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** "europe/berlin" → "Europe/Berlin"; links such as Asia/Calcutta are kept as written. */
function canonicalZoneName(tz: string): string {
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time (`T` separator, `Z` or a numeric offset, optional fraction kept to
 * the millisecond) into epoch milliseconds. Leap seconds (`:60`) are not accepted.
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetRest = Number(om);
    if (offsetHours > 23 || offsetRest > 59) return undefined;
    offsetMinutes = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  return (
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis
  );
}

function formatUtc(ms: number): string {
  return new Date(ms).toISOString();
}

// ------------------------------------------------------------------------------------------------
// Due times

export interface DueTimesOptions {
  /** At most this many due times. */
  limit: number;
  /** Inclusive upper bound. */
  until: Date;
}

/**
 * Due instants strictly after `after` and not after `until`, ascending, at most `limit`.
 * once: its time if it is in that window. interval: `start + k × every_seconds` (k ≥ 0) up to
 * `end_at_utc` inclusive. calendar: matching wall-clock minutes, with the DST rules above.
 */
export function dueTimesAfter(trigger: TriggerSpec, after: Date, options: DueTimesOptions): Date[] {
  const afterMs = after.getTime();
  const untilMs = options.until.getTime();
  const limit = Math.floor(options.limit);
  if (!(limit >= 1) || Number.isNaN(afterMs) || !(untilMs > afterMs)) return [];
  switch (trigger.type) {
    case "once": {
      const due = parseRfc3339(trigger.due_at_utc);
      return due !== undefined && due > afterMs && due <= untilMs ? [new Date(due)] : [];
    }
    case "interval":
      return intervalDueTimes(trigger, afterMs, untilMs, limit);
    case "calendar":
      return calendarDueTimes(trigger, afterMs, untilMs, limit, undefined).map(
        (ms) => new Date(ms),
      );
  }
}

function intervalDueTimes(
  trigger: IntervalTrigger,
  afterMs: number,
  untilMs: number,
  limit: number,
): Date[] {
  const start = parseRfc3339(trigger.start_at_utc);
  const every = trigger.every_seconds;
  if (start === undefined || !Number.isSafeInteger(every) || every < 1) return [];
  let last = untilMs;
  if (trigger.end_at_utc !== undefined) {
    const end = parseRfc3339(trigger.end_at_utc);
    if (end === undefined) return [];
    last = Math.min(last, end);
  }
  const step = every * 1000;
  // Jump straight to the first k with start + k·step > after, then correct any rounding.
  let k = afterMs < start ? 0 : Math.floor((afterMs - start) / step) + 1;
  while (k > 0 && start + (k - 1) * step > afterMs) k -= 1;
  while (start + k * step <= afterMs) k += 1;
  const out: Date[] = [];
  for (let at = start + k * step; at <= last && out.length < limit; k += 1, at = start + k * step) {
    out.push(new Date(at));
  }
  return out;
}

interface CompiledFields {
  minutes: number[];
  hours: number[];
  days: number[];
  months: number[];
  /** Indexed by weekday, 0 = Sunday. */
  weekdays: boolean[];
  /** Sorted; undefined = any year. */
  years: number[] | undefined;
}

/** The in-range values of each field; undefined when some field has none (never matches). */
function compileFields(trigger: CalendarTrigger): CompiledFields | undefined {
  const minutes = fieldValues(trigger.minute, 0, 59);
  const hours = fieldValues(trigger.hour, 0, 23);
  const days = fieldValues(trigger.day_of_month, 1, 31);
  const months = fieldValues(trigger.month, 1, 12);
  const weekdayValues = fieldValues(trigger.day_of_week, 0, 7).map((day) => day % 7);
  const years =
    trigger.year === undefined || trigger.year.kind === "any"
      ? undefined
      : fieldValues(trigger.year, -Infinity, Infinity);
  if (
    minutes.length === 0 ||
    hours.length === 0 ||
    days.length === 0 ||
    months.length === 0 ||
    weekdayValues.length === 0 ||
    years?.length === 0
  ) {
    return undefined;
  }
  const weekdays = Array.from({ length: 7 }, (_, day) => weekdayValues.includes(day));
  return { minutes, hours, days, months, weekdays, years };
}

function fieldValues(field: CalendarField | undefined, min: number, max: number): number[] {
  if (field === undefined || field.kind === "any") {
    return Array.from({ length: max - min + 1 }, (_, index) => min + index);
  }
  const values = field.values.filter(
    (value) => Number.isInteger(value) && value >= min && value <= max,
  );
  return [...new Set(values)].sort((a, b) => a - b);
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Days since 1970-01-01 of the local date. */
  epochDay: number;
}

/**
 * Matching wall-clock minutes from `start` (inclusive) in ascending order, up to `lastYear`.
 * Non-matching years, months and days are skipped whole; only matching hours and minutes of a
 * matching date are visited.
 */
function* matchingWalls(spec: CompiledFields, start: Wall, lastYear: number): Generator<Wall> {
  let idleYears = 0;
  for (const year of candidateYears(spec.years, start.year, lastYear)) {
    const startYear = year === start.year;
    let matchedThisYear = false;
    for (const month of spec.months) {
      if (startYear && month < start.month) continue;
      const startMonth = startYear && month === start.month;
      const length = daysInMonth(year, month);
      for (const day of spec.days) {
        if (day > length) break;
        if (startMonth && day < start.day) continue;
        const epochDay = daysFromCivil(year, month, day);
        if (!spec.weekdays[weekday(epochDay)]) continue;
        const startDay = startMonth && day === start.day;
        for (const hour of spec.hours) {
          if (startDay && hour < start.hour) continue;
          const startHour = startDay && hour === start.hour;
          for (const minute of spec.minutes) {
            if (startHour && minute < start.minute) continue;
            matchedThisYear = true;
            yield { year, month, day, hour, minute, epochDay };
          }
        }
      }
    }
    // Consecutive years repeat every 400: a whole cycle without a match means none ever.
    idleYears = matchedThisYear ? 0 : idleYears + 1;
    if (spec.years === undefined && idleYears > CALENDAR_CYCLE_YEARS) return;
  }
}

function* candidateYears(years: number[] | undefined, from: number, to: number): Generator<number> {
  if (years === undefined) {
    for (let year = from; year <= to; year += 1) yield year;
    return;
  }
  for (const year of years) {
    if (year > to) return;
    if (year >= from) yield year;
  }
}

/** How one local wall-clock time maps to instants in a zone. */
type Resolution =
  | { kind: "single"; at: number }
  | { kind: "repeated"; at: number; later: number }
  | { kind: "skipped"; offsetBefore: number; offsetAfter: number };

function resolveWall(zone: IANAZone, wallMs: number): Resolution {
  const offsetBefore = zone.offset(wallMs - DAY_MS);
  const offsetAfter = zone.offset(wallMs + DAY_MS);
  const candidates = new Set([offsetBefore, offsetAfter]);
  if (offsetBefore === offsetAfter) {
    // Usually the offset is the same all around; two transitions close together are rarer.
    candidates.add(zone.offset(wallMs - offsetBefore * MINUTE_MS));
  }
  const instants: number[] = [];
  for (const offset of candidates) {
    const at = wallMs - offset * MINUTE_MS;
    if (zone.offset(at) === offset && !instants.includes(at)) instants.push(at);
  }
  instants.sort((a, b) => a - b);
  const first = instants[0];
  const last = instants[instants.length - 1];
  if (first === undefined || last === undefined) {
    return { kind: "skipped", offsetBefore, offsetAfter };
  }
  return first === last
    ? { kind: "single", at: first }
    : { kind: "repeated", at: first, later: last };
}

/**
 * The calendar walk behind dueTimesAfter and previewTrigger. When `notes` is given, a note is
 * added for each matching local time in the searched range that was skipped or repeated.
 */
function calendarDueTimes(
  trigger: CalendarTrigger,
  afterMs: number,
  untilMs: number,
  limit: number,
  notes: DstNote[] | undefined,
): number[] {
  const spec = compileFields(trigger);
  if (spec === undefined || !isValidTimezone(trigger.timezone)) return [];
  const zone = IANAZone.create(trigger.timezone);
  // Wall times map to instants monotonically, and the wall time of `after` maps to an instant
  // not later than `after`, so nothing earlier than that wall minute can be due.
  const startWall = wallOf(afterMs + zone.offset(afterMs) * MINUTE_MS);
  const lastYear = Math.min(MAX_YEAR, wallOf(untilMs + zone.offset(untilMs) * MINUTE_MS).year + 1);
  const out: number[] = [];
  for (const wall of matchingWalls(spec, startWall, lastYear)) {
    const wallMs = wall.epochDay * DAY_MS + (wall.hour * 60 + wall.minute) * MINUTE_MS;
    const resolution = resolveWall(zone, wallMs);
    if (resolution.kind === "skipped") {
      if (notes === undefined) continue;
      const transition = findTransition(zone, wallMs, resolution);
      if (transition > untilMs) break;
      if (transition > afterMs)
        notes.push(skippedNote(trigger.timezone, wall, wallMs, resolution, transition));
      continue;
    }
    if (resolution.at <= afterMs) continue;
    if (resolution.at > untilMs) break;
    if (resolution.kind === "repeated" && notes !== undefined) {
      notes.push(repeatedNote(zone, trigger.timezone, wall, resolution.at));
    }
    out.push(resolution.at);
    if (out.length >= limit) break;
  }
  return out;
}

/** The instant the clocks jump over a skipped wall time (to the second). */
function findTransition(
  zone: IANAZone,
  wallMs: number,
  resolution: Extract<Resolution, { kind: "skipped" }>,
): number {
  const { offsetBefore, offsetAfter } = resolution;
  // Before the jump the zone is on offsetBefore; wallMs - offsetAfter is such an instant and
  // wallMs - offsetBefore is already past the jump.
  let low = Math.floor((wallMs - offsetAfter * MINUTE_MS) / 1000);
  let high = Math.ceil((wallMs - offsetBefore * MINUTE_MS) / 1000);
  if (!(low < high)) return wallMs - offsetBefore * MINUTE_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (zone.offset(middle * 1000) === offsetBefore) low = middle;
    else high = middle;
  }
  return high * 1000;
}

function skippedNote(
  timezone: string,
  wall: Wall,
  wallMs: number,
  resolution: Extract<Resolution, { kind: "skipped" }>,
  transition: number,
): DstNote {
  const date = formatDate(wall.epochDay);
  const clock = formatClock(wall.hour, wall.minute);
  let jump = "";
  if (resolution.offsetBefore !== resolution.offsetAfter) {
    const from = formatJumpWall(transition + resolution.offsetBefore * MINUTE_MS, wallMs);
    const to = formatJumpWall(transition + resolution.offsetAfter * MINUTE_MS, wallMs);
    jump = ` (clocks jump from ${from} to ${to})`;
  }
  return {
    local_time: `${date}T${clock}`,
    timezone,
    kind: "skipped",
    detail: `${clock} does not exist on ${date} in ${timezone}${jump}; this occurrence is skipped.`,
  };
}

function repeatedNote(zone: IANAZone, timezone: string, wall: Wall, firstAt: number): DstNote {
  const date = formatDate(wall.epochDay);
  const clock = formatClock(wall.hour, wall.minute);
  const first = `the first ${clock} (${offsetLabel(zone, firstAt)})`;
  return {
    local_time: `${date}T${clock}`,
    timezone,
    kind: "repeated",
    detail: `${clock} happens twice on ${date} in ${timezone}; the schedule fires once, at ${first}.`,
  };
}

/** "EDT" where the zone has a common abbreviation in English, else "UTC+02:00". */
function offsetLabel(zone: IANAZone, at: number): string {
  const name = zone.offsetName(at, { format: "short", locale: "en-US" });
  if (name !== null && /^[A-Z]{2,5}$/.test(name)) return name;
  const offset = zone.offset(at);
  const sign = offset < 0 ? "-" : "+";
  const absolute = Math.abs(offset);
  return `UTC${sign}${formatClock(Math.floor(absolute / 60), absolute % 60)}`;
}

/** "HH:MM", or "YYYY-MM-DD HH:MM" when the wall time is on another date than `sameDayAs`. */
function formatJumpWall(wallMs: number, sameDayAs: number): string {
  const wall = wallOf(wallMs);
  const sameDay = wall.epochDay === Math.floor(sameDayAs / DAY_MS);
  const clock = formatClock(wall.hour, wall.minute);
  return sameDay ? clock : `${formatDate(wall.epochDay)} ${clock}`;
}

// ------------------------------------------------------------------------------------------------
// Preview

export interface TriggerPreview {
  fire_times: string[];
  dst_notes: DstNote[];
}

/**
 * The next `count` (at most 1000) due times strictly after `from`, within ten years, as ISO
 * strings; for a calendar trigger, a note for every matching local time in that range that was
 * skipped or repeated by a daylight-saving change.
 */
export function previewTrigger(trigger: TriggerSpec, from: Date, count: number): TriggerPreview {
  const limit = Math.min(PREVIEW_MAX_COUNT, Math.max(0, Math.floor(count) || 0));
  const fromMs = from.getTime();
  if (limit === 0 || Number.isNaN(fromMs)) return { fire_times: [], dst_notes: [] };
  const until = new Date(fromMs);
  until.setUTCFullYear(until.getUTCFullYear() + PREVIEW_YEARS);
  // Past year 9999 a time is no longer RFC 3339 (toISOString writes "+010000-…").
  if (until.getTime() > LAST_INSTANT_MS) until.setTime(LAST_INSTANT_MS);
  if (trigger.type !== "calendar") {
    const times = dueTimesAfter(trigger, from, { limit, until });
    return { fire_times: times.map((at) => at.toISOString()), dst_notes: [] };
  }
  const notes: DstNote[] = [];
  const times = calendarDueTimes(trigger, fromMs, until.getTime(), limit, notes);
  return { fire_times: times.map(formatUtc), dst_notes: notes };
}

// ------------------------------------------------------------------------------------------------
// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Splits a wall-clock time written as epoch milliseconds ("as if UTC") into its parts. */
function wallOf(wallMs: number): Wall {
  const epochDay = Math.floor(wallMs / DAY_MS);
  const minuteOfDay = Math.floor((wallMs - epochDay * DAY_MS) / MINUTE_MS);
  const { year, month, day } = civilFromDays(epochDay);
  return {
    year,
    month,
    day,
    hour: Math.floor(minuteOfDay / 60),
    minute: minuteOfDay % 60,
    epochDay,
  };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** 0 = Sunday; 1970-01-01 was a Thursday. */
function weekday(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

function formatDate(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`;
}

function formatClock(hour: number, minute: number): string {
  return `${pad2(hour)}:${pad2(minute)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}
