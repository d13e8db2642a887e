import { invalidSchedule } from "./errors.js";

const RESERVED_KEYS = new Set(["mob_id", "role", "meerkat_id", "meerkat"]);

/**
 * Label keys the runtime owns are refused (contract §3.10), as on sessions: schedule labels
 * and the labels of a session a schedule materialises follow the same rule.
 */
export function assertScheduleLabels(
  labels: Record<string, string> | null | undefined,
  field = "labels",
): void {
  if (!labels) return;
  for (const key of Object.keys(labels)) {
    if (key.trim() === "") throw invalidSchedule(`${field}: label keys must not be empty`);
    const lower = key.toLowerCase();
    if (RESERVED_KEYS.has(lower) || lower.startsWith("meerkat.")) {
      throw invalidSchedule(
        `metadata label key '${key}' is reserved for Meerkat-owned runtime facts`,
      );
    }
  }
}
