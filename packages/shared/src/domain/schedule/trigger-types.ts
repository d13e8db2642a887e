/**
 * Schedule triggers on the wire (contract §7.2), plus cron authoring. The maths that turns a
 * trigger into due times lives in ./trigger.ts; it is pure and uses an injected clock.
 */

/** A calendar field: omitted or `{kind:"any"}` matches every value. */
export type CalendarField = { kind: "any" } | { kind: "values"; values: number[] };

export interface OnceTrigger {
  type: "once";
  /** RFC 3339 UTC. */
  due_at_utc: string;
}

export interface IntervalTrigger {
  type: "interval";
  start_at_utc: string;
  /** ≥ 1. */
  every_seconds: number;
  end_at_utc?: string | undefined;
}

/** All present fields are ANDed (day_of_month AND day_of_week), evaluated in `timezone`. */
export interface CalendarTrigger {
  type: "calendar";
  /** IANA zone, e.g. "Europe/Berlin". */
  timezone: string;
  minute?: CalendarField | undefined;
  hour?: CalendarField | undefined;
  day_of_month?: CalendarField | undefined;
  month?: CalendarField | undefined;
  /** 0 = Sunday … 6 (7 is accepted and means Sunday). */
  day_of_week?: CalendarField | undefined;
  year?: CalendarField | undefined;
}

export type TriggerSpec = OnceTrigger | IntervalTrigger | CalendarTrigger;

/** Authoring only: stored as the equivalent calendar trigger. */
export interface CronTrigger {
  type: "cron";
  /** Five fields: minute hour day-of-month month day-of-week (lists, ranges, steps, names). */
  expression: string;
  timezone: string;
}

export type TriggerInput = TriggerSpec | CronTrigger;

/** A daylight-saving note for a preview. */
export interface DstNote {
  /** The local wall time concerned, e.g. "2026-03-29T02:30". */
  local_time: string;
  timezone: string;
  /** "skipped": the local time does not exist that day; "repeated": it happens twice. */
  kind: "skipped" | "repeated";
  /** What the schedule does about it, in a sentence. */
  detail: string;
}
