import { labelsProblem } from "../domain/labels.js";
import { invalidSchedule } from "./errors.js";

/**
 * Schedule labels, and the labels of a session a schedule materialises, follow the sessions'
 * rule (at most 64, no empty or runtime-owned key), so a delivery never creates a session that
 * POST /sessions would have refused.
 */
export function assertScheduleLabels(
  labels: Record<string, string> | null | undefined,
  field = "labels",
): void {
  const problem = labelsProblem(labels, field);
  if (problem !== undefined) throw invalidSchedule(problem);
}
