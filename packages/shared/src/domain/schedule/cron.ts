/**
 * Cron authoring codec: a five-field cron expression becomes the equivalent `calendar` trigger
 * (contract §7.2; the service stores only the calendar form).
 *
 * Fields: `minute hour day-of-month month day-of-week`. Each field is `*` or a comma-separated
 * list of `a`, `a-b`, `a-b/s`, `*\/s` and `a/s` (from a to the field's maximum by s). Months take
 * JAN–DEC and days of week SUN–SAT (case-insensitive); day-of-week `7` is Sunday, and a range
 * ending at Sunday may be written `FRI-SUN` or `5-7`. The macros `@hourly`, `@daily`,
 * `@midnight`, `@weekly`, `@monthly`, `@yearly` and `@annually` are accepted.
 *
 * Semantics follow the contract, not classic cron: every field is ANDed. Classic cron fires
 * `0 9 1 * MON` on every 1st of the month and on every Monday; here it fires only on Mondays that
 * are the 1st. Values outside a field's range are rejected here (a cron typo like `0 25 * * *` is
 * reported rather than stored as a schedule that never fires). A field that is `*`, or whose
 * values cover its whole range, is omitted from the calendar trigger.
 */
import type { CalendarField, CalendarTrigger } from "./trigger-types.js";

type CronFieldKey = "minute" | "hour" | "day_of_month" | "month" | "day_of_week";

interface CronFieldSpec {
  key: CronFieldKey;
  label: string;
  min: number;
  /** Largest value that may be written. */
  max: number;
  /** Largest value `*` and `a/s` expand to (day-of-week: 6, although 7 may be written). */
  expandMax: number;
  /** Distinct values when the field matches everything. */
  size: number;
  names?: readonly string[];
}

const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly CronFieldSpec[] = [
  { key: "minute", label: "minute", min: 0, max: 59, expandMax: 59, size: 60 },
  { key: "hour", label: "hour", min: 0, max: 23, expandMax: 23, size: 24 },
  { key: "day_of_month", label: "day-of-month", min: 1, max: 31, expandMax: 31, size: 31 },
  { key: "month", label: "month", min: 1, max: 12, expandMax: 12, size: 12, names: MONTH_NAMES },
  {
    key: "day_of_week",
    label: "day-of-week",
    min: 0,
    max: 7,
    expandMax: 6,
    size: 7,
    names: DAY_NAMES,
  },
];

const MACROS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

class CronSyntaxError extends Error {}

/**
 * Converts a cron expression to the equivalent calendar trigger in `timezone`. The timezone is
 * carried, not checked: `normalizeTrigger` validates the resulting calendar trigger.
 * On failure, `error` reads `invalid cron expression '<expr>': <reason>`.
 */
export function cronToCalendar(
  expression: string,
  timezone: string,
): { trigger: CalendarTrigger } | { error: string } {
  try {
    const trigger: CalendarTrigger = { type: "calendar", timezone };
    const fields = splitFields(expression);
    FIELDS.forEach((spec, index) => {
      const field = parseField(spec, fields[index] ?? "");
      if (field) trigger[spec.key] = field;
    });
    return { trigger };
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error;
    return { error: `invalid cron expression '${expression}': ${error.message}` };
  }
}

function splitFields(expression: string): string[] {
  const text = expression.trim();
  if (text.startsWith("@")) {
    const macro = MACROS[text.toLowerCase()];
    if (macro === undefined) throw new CronSyntaxError(`unknown macro '${text}'`);
    return macro.split(" ");
  }
  const fields = text === "" ? [] : text.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    throw new CronSyntaxError(
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  return fields;
}

/** Returns undefined when the field matches every value (it is then omitted). */
function parseField(spec: CronFieldSpec, text: string): CalendarField | undefined {
  if (text === "*") return undefined;
  const values = new Set<number>();
  for (const element of text.split(",")) {
    for (const value of parseElement(spec, element)) {
      values.add(spec.key === "day_of_week" && value === 7 ? 0 : value);
    }
  }
  if (values.size === spec.size) return undefined;
  return { kind: "values", values: [...values].sort((a, b) => a - b) };
}

function parseElement(spec: CronFieldSpec, element: string): number[] {
  const fail = (problem: string): never => {
    throw new CronSyntaxError(`${spec.label}: ${problem}`);
  };
  if (element === "") fail("empty list element");
  const parts = element.split("/");
  if (parts.length > 2) fail(`bad step in '${element}'`);
  const [base = "", stepText] = parts;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
      fail(`step must be an integer >= 1, got '${stepText}'`);
    }
    step = Number(stepText);
  }

  let from: number;
  let to: number;
  if (base === "*") {
    from = spec.min;
    to = spec.expandMax;
  } else {
    const bounds = base.split("-");
    if (bounds.length > 2) fail(`bad range '${base}'`);
    const [first = "", last] = bounds;
    from = parseValue(spec, first);
    if (last === undefined) {
      to = stepText === undefined ? from : Math.max(from, spec.expandMax);
    } else {
      to = parseValue(spec, last);
      // "FRI-SUN" / "5-0": Sunday at the end of a range is day 7.
      if (spec.key === "day_of_week" && to === 0 && from > 0) to = 7;
      if (to < from) fail(`range '${base}' runs backwards`);
    }
  }

  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

function parseValue(spec: CronFieldSpec, token: string): number {
  let value: number;
  if (/^\d+$/.test(token)) {
    value = Number(token);
  } else if (/^[A-Za-z]+$/.test(token) && spec.names) {
    const index = spec.names.indexOf(token.toUpperCase());
    if (index < 0) throw new CronSyntaxError(`${spec.label}: unknown name '${token}'`);
    value = spec.key === "month" ? index + 1 : index;
  } else {
    throw new CronSyntaxError(`${spec.label}: bad value '${token}'`);
  }
  if (value < spec.min || value > spec.max) {
    throw new CronSyntaxError(
      `${spec.label}: value ${token} is out of range ${spec.min}-${spec.max}`,
    );
  }
  return value;
}
