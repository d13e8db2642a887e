/**
 * Planning (§7.4): projects a schedule revision into pending occurrences up to its horizon
 * (`planning_horizon_days` ahead, at most `planning_horizon_occurrences` pending). Runs on
 * create, update, resume and whenever the scheduler finds `replan_at` has come.
 */
import type { Db, DbOrTx } from "../db/client.js";
import {
  claimSchedulesToReplan,
  insertPlannedTimes,
  pendingOccurrenceStats,
  updateScheduleRow,
  type PlannedTime,
  type ScheduleRow,
} from "../db/repositories/schedules.js";
import { newId } from "../domain/ids.js";
import { dueTimesAfter } from "../domain/schedule/trigger.js";
import type { TriggerSpec } from "../domain/schedule/trigger-types.js";

const DAY_MS = 86_400_000;
/** Without a cursor, planning starts a minute before the last change (no back-fill). */
const CURSOR_LOOKBACK_MS = 60_000;
/** The planner looks again at least this often, so a days-horizon keeps moving forward. */
const MAX_REPLAN_DELAY_MS = 3_600_000;
/** …and not sooner than this, so overdue work that is not yet delivered cannot spin it. */
const MIN_REPLAN_DELAY_MS = 1_000;
/** "Never again" for a trigger with no time left (a change re-plans it anyway). */
export const REPLAN_NEVER = new Date("9999-01-01T00:00:00.000Z");

export interface PlanResult {
  /** The schedule after planning (cursor, next ordinal and replan_at updated). */
  schedule: ScheduleRow;
  /** The occurrences this call inserted, by ordinal. */
  planned: PlannedTime[];
}

/** The stored trigger (it was normalised before it was stored). */
export function storedTrigger(row: ScheduleRow): TriggerSpec {
  return row.trigger as unknown as TriggerSpec;
}

/** How late a delivery may still be under the schedule's misfire policy (ms). */
function lateness(row: ScheduleRow): number {
  const policy = row.misfirePolicy;
  return policy["type"] === "catch_up_within" ? Number(policy["window_seconds"]) * 1000 || 0 : 0;
}

/**
 * Where planning continues (§7.4): after the last pending occurrence, else the stored cursor,
 * else a minute before the last change. One addition: never before the oldest time the misfire
 * policy could still deliver, so a schedule resumed after a long pause (or a scheduler that was
 * down for a day) does not plan thousands of occurrences only to misfire them.
 */
export function planningCursor(row: ScheduleRow, maxPendingDue: Date | null, now: Date): Date {
  const base =
    maxPendingDue ?? row.planningCursorAt ?? new Date(row.updatedAt.getTime() - CURSOR_LOOKBACK_MS);
  const floor = now.getTime() - Math.max(CURSOR_LOOKBACK_MS, lateness(row));
  return new Date(Math.max(base.getTime(), floor));
}

/** True when the trigger can never fire after `cursor` (only knowable cheaply for once/interval). */
function exhausted(trigger: TriggerSpec, cursor: Date): boolean {
  if (trigger.type === "calendar") return false;
  return dueTimesAfter(trigger, cursor, { limit: 1, until: REPLAN_NEVER }).length === 0;
}

/**
 * When to plan again. Half-way through what was just planned keeps the horizon from running
 * dry; when the horizon is already full, the first pending occurrence's delivery frees a slot.
 * Capped at an hour so a days-horizon slides forward, and never the same instant.
 */
export function nextReplanAt(params: {
  now: Date;
  planned: readonly Date[];
  minPendingDue: Date | null;
  exhausted: boolean;
}): Date {
  const { now, planned } = params;
  let candidate: Date;
  if (planned.length > 0) {
    candidate = planned[Math.floor((planned.length - 1) / 2)] ?? now;
  } else if (params.minPendingDue) {
    candidate = params.minPendingDue;
  } else if (params.exhausted) {
    return REPLAN_NEVER;
  } else {
    candidate = new Date(now.getTime() + MAX_REPLAN_DELAY_MS);
  }
  const at = Math.min(
    Math.max(candidate.getTime(), now.getTime() + MIN_REPLAN_DELAY_MS),
    now.getTime() + MAX_REPLAN_DELAY_MS,
  );
  return new Date(at);
}

/**
 * Plans one schedule's horizon. The caller holds the schedule row (locked, or just inserted)
 * in `tx`, so two planners never interleave on one schedule; the unique index makes a repeated
 * due time a no-op anyway. Paused and deleted schedules plan nothing.
 */
export async function planSchedule(
  tx: DbOrTx,
  schedule: ScheduleRow,
  now: Date,
): Promise<PlanResult> {
  if (schedule.phase !== "active") return { schedule, planned: [] };
  const trigger = storedTrigger(schedule);
  const horizonEnd = new Date(now.getTime() + schedule.planningHorizonDays * DAY_MS);
  const stats = await pendingOccurrenceStats(tx, {
    scheduleId: schedule.id,
    revision: schedule.revision,
    horizonEnd,
  });
  const room = schedule.planningHorizonOccurrences - stats.inHorizon;
  const cursor = planningCursor(schedule, stats.maxDue, now);
  const dueTimes =
    room > 0 ? dueTimesAfter(trigger, cursor, { limit: room, until: horizonEnd }) : [];

  const planned = await insertPlannedTimes(
    tx,
    {
      realmId: schedule.realmId,
      scheduleId: schedule.id,
      scheduleRevision: schedule.revision,
      triggerSnapshot: schedule.trigger,
      targetSnapshot: schedule.target,
      misfirePolicy: schedule.misfirePolicy,
      overlapPolicy: schedule.overlapPolicy,
      missingTargetPolicy: schedule.missingTargetPolicy,
    },
    dueTimes.map((dueAt, index) => ({
      id: newId(),
      ordinal: schedule.nextOccurrenceOrdinal + index,
      dueAt,
    })),
    { recordedAt: now },
  );

  const lastDue = dueTimes.at(-1);
  const newCursor = lastDue ?? schedule.planningCursorAt;
  const replanAt = nextReplanAt({
    now,
    planned: dueTimes,
    minPendingDue: stats.minDue,
    exhausted: exhausted(trigger, lastDue ?? cursor),
  });
  const updated = await updateScheduleRow(tx, schedule.id, {
    nextOccurrenceOrdinal: schedule.nextOccurrenceOrdinal + dueTimes.length,
    planningCursorAt: newCursor,
    replanAt,
  });
  return { schedule: updated, planned };
}

export interface RefillOptions {
  now: Date;
  /** Schedules planned per call (default 100). */
  limit?: number | undefined;
  /** Told about a schedule that could not be planned (it is retried an hour later). */
  onError?: ((scheduleId: string, error: unknown) => void) | undefined;
}

const FAILED_REPLAN_DELAY_MS = 3_600_000;

/**
 * The scheduler's refill: claims active schedules whose `replan_at` has come (FOR UPDATE SKIP
 * LOCKED, so replicas share the work) and plans each in its own savepoint, so one bad schedule
 * cannot stall the others. Returns how many schedules it planned.
 */
export async function refillDueHorizons(db: Db, options: RefillOptions): Promise<number> {
  const { now } = options;
  return db.transaction(async (tx) => {
    const due = await claimSchedulesToReplan(tx, { now, limit: options.limit ?? 100 });
    let planned = 0;
    for (const schedule of due) {
      try {
        await tx.transaction(async (savepoint) => planSchedule(savepoint, schedule, now));
        planned += 1;
      } catch (error) {
        options.onError?.(schedule.id, error);
        await updateScheduleRow(tx, schedule.id, {
          replanAt: new Date(now.getTime() + FAILED_REPLAN_DELAY_MS),
        });
      }
    }
    return planned;
  });
}
