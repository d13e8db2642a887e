/**
 * The schedule errors, worded as the reference words them: everything a client got wrong about
 * a schedule is a 400 "invalid schedule: …" (never 409, even for a stale revision).
 */
import { isUuid } from "../domain/ids.js";
import { AppError } from "../errors/index.js";

export function invalidSchedule(reason: string): AppError {
  return new AppError("BAD_REQUEST", `invalid schedule: ${reason}`);
}

export function scheduleNotFound(id: string): AppError {
  return new AppError("SCHEDULE_NOT_FOUND", `Schedule not found: ${id}`);
}

export function mobTargetsUnavailable(): AppError {
  return new AppError(
    "CAPABILITY_UNAVAILABLE",
    "mob targets are not available: this server has no mobs",
  );
}

/** A schedule id from a path or tool argument: a UUID (any case), else 400. */
export function parseScheduleId(raw: string): string {
  const trimmed = raw.trim();
  if (!isUuid(trimmed)) {
    throw new AppError("BAD_REQUEST", `Invalid schedule id '${raw}': expected a UUID`);
  }
  return trimmed.toLowerCase();
}
