/**
 * Pause, resume, delete, trigger-now and the occurrence ledger of one schedule (§7.3). Each
 * change runs under the schedule's row lock, so it never interleaves with an update or with
 * the scheduler's planning of the same schedule.
 */
import type { Db, DbOrTx } from "../db/client.js";
import {
  findOccurrenceAt,
  findScheduleRow,
  holdPendingOccurrences,
  insertPlannedOccurrences,
  lastReceiptsOf,
  listOccurrenceRows,
  releaseClaimedOccurrences,
  supersedePendingOccurrences,
  updateScheduleRow,
} from "../db/repositories/schedules.js";
import { newId } from "../domain/ids.js";
import { AppError } from "../errors/index.js";
import { invalidSchedule, parseScheduleId, scheduleNotFound } from "./errors.js";
import { planSchedule } from "./planning.js";
import { projectOccurrence, projectSchedule } from "./projections.js";
import { lockSchedule } from "./service.js";
import type { Occurrence, Schedule } from "./wire.js";

/**
 * Paused schedules plan nothing and their due occurrences are not claimed; one that was
 * claimed but not yet dispatched goes back to pending. Deliveries already under way finish.
 * Pausing a paused schedule changes nothing.
 */
export async function pauseSchedule(
  db: Db,
  realmId: string,
  rawId: string,
  now: Date,
): Promise<Schedule> {
  const id = parseScheduleId(rawId);
  return db.transaction(async (tx) => {
    const row = await lockSchedule(tx, realmId, id);
    if (row.phase === "deleted") throw invalidSchedule("schedule is deleted");
    if (row.phase === "paused") return projectSchedule(row);
    const paused = await updateScheduleRow(tx, id, { phase: "paused", updatedAt: now });
    await releaseClaimedOccurrences(tx, {
      scheduleId: id,
      now,
      detail: "claim released: the schedule was paused",
    });
    await holdPendingOccurrences(tx, { scheduleId: id, held: true });
    return projectSchedule(paused);
  });
}

/**
 * Back to active, and the horizon is planned again. Occurrences that fell due while paused
 * meet the misfire policy. Resuming an active schedule only tops its horizon up.
 */
export async function resumeSchedule(
  db: Db,
  realmId: string,
  rawId: string,
  now: Date,
): Promise<Schedule> {
  const id = parseScheduleId(rawId);
  return db.transaction(async (tx) => {
    const row = await lockSchedule(tx, realmId, id);
    if (row.phase === "deleted") throw invalidSchedule("schedule is deleted");
    const active =
      row.phase === "active"
        ? row
        : await updateScheduleRow(tx, id, { phase: "active", updatedAt: now, replanAt: now });
    await holdPendingOccurrences(tx, { scheduleId: id, held: false });
    const { schedule } = await planSchedule(tx, active, now);
    return projectSchedule(schedule);
  });
}

/**
 * Deleting is terminal: phase deleted, a new revision, pending occurrences superseded. The
 * schedule and its history stay readable. Deleting again answers the deleted schedule.
 */
export async function deleteSchedule(
  db: Db,
  realmId: string,
  rawId: string,
  now: Date,
): Promise<Schedule> {
  const id = parseScheduleId(rawId);
  return db.transaction(async (tx) => {
    const row = await lockSchedule(tx, realmId, id);
    if (row.phase === "deleted") return projectSchedule(row);
    const revision = row.revision + 1;
    const deleted = await updateScheduleRow(tx, id, {
      phase: "deleted",
      revision,
      deletedAt: now,
      updatedAt: now,
    });
    await supersedePendingOccurrences(tx, {
      scheduleId: id,
      byRevision: revision,
      now,
      detail: "the schedule was deleted",
    });
    return projectSchedule(deleted);
  });
}

/**
 * Beyond the reference: one extra occurrence of the current revision, due now, through the
 * same ledger (the scheduler delivers it like any other). Paused or deleted schedules refuse.
 */
export async function triggerNow(
  db: Db,
  realmId: string,
  rawId: string,
  now: Date,
): Promise<Occurrence> {
  const id = parseScheduleId(rawId);
  return db.transaction(async (tx) => {
    const row = await lockSchedule(tx, realmId, id);
    if (row.phase !== "active") throw invalidSchedule(`schedule is ${row.phase}`);
    const [inserted] = await insertPlannedOccurrences(
      tx,
      [
        {
          id: newId(),
          realmId,
          scheduleId: id,
          scheduleRevision: row.revision,
          ordinal: row.nextOccurrenceOrdinal,
          phase: "pending",
          dueAt: now,
          triggerSnapshot: row.trigger,
          targetSnapshot: row.target,
          misfirePolicy: row.misfirePolicy,
          overlapPolicy: row.overlapPolicy,
          missingTargetPolicy: row.missingTargetPolicy,
          createdAt: now,
        },
      ],
      { recordedAt: now, detail: "triggered on demand" },
    );
    // The same instant is already planned (to the millisecond): that occurrence is the answer.
    const occurrence =
      inserted ??
      (await findOccurrenceAt(tx, { scheduleId: id, revision: row.revision, dueAt: now }));
    if (!occurrence) throw new AppError("INTERNAL_ERROR", "trigger-now occurrence vanished");
    if (inserted) {
      await updateScheduleRow(tx, id, { nextOccurrenceOrdinal: row.nextOccurrenceOrdinal + 1 });
    }
    const receipts = await lastReceiptsOf(tx, [occurrence.id]);
    return projectOccurrence(occurrence, receipts.get(occurrence.id));
  });
}

/**
 * The occurrences of a schedule (deleted ones too) by (due, revision, ordinal), each with its
 * latest receipt. `includeTerminal: false` keeps only pending and in-flight ones.
 */
export async function listOccurrences(
  db: DbOrTx,
  realmId: string,
  rawId: string,
  options: { includeTerminal?: boolean | undefined } = {},
): Promise<Occurrence[]> {
  const id = parseScheduleId(rawId);
  const schedule = await findScheduleRow(db, realmId, id);
  if (!schedule) throw scheduleNotFound(id);
  const rows = await listOccurrenceRows(db, {
    scheduleId: id,
    includeTerminal: options.includeTerminal ?? true,
  });
  const binding = schedule.target["bound_session_id"];
  return rows.map(({ occurrence, lastReceipt }) =>
    projectOccurrence(
      typeof binding === "string" ? withBinding(occurrence, binding) : occurrence,
      lastReceipt,
    ),
  );
}

/**
 * A materialize occurrence not yet delivered shows the session its schedule is bound to (the
 * one it will be delivered to): the binding is written to the schedule when the session is
 * created and to each occurrence as it is delivered, not to every planned one.
 */
function withBinding<T extends { phase: string; targetSnapshot: Record<string, unknown> }>(
  occurrence: T,
  binding: string,
): T {
  const snapshot = occurrence.targetSnapshot;
  if (
    (occurrence.phase !== "pending" && occurrence.phase !== "claimed") ||
    snapshot["type"] !== "materialize_on_demand_session" ||
    typeof snapshot["bound_session_id"] === "string"
  ) {
    return occurrence;
  }
  return { ...occurrence, targetSnapshot: { ...snapshot, bound_session_id: binding } };
}
