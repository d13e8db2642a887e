/**
 * Creating, reading and changing schedules (§7.3). Every function takes the realm and, when it
 * writes, the caller's clock; a rejected request writes nothing (validation runs before the
 * insert, or inside the transaction that the error rolls back).
 */
import type { Db, DbOrTx, Tx } from "../db/client.js";
import {
  findScheduleRow,
  insertScheduleRow,
  listScheduleRows,
  supersedePendingOccurrences,
  updateScheduleRow,
  type ScheduleChanges,
  type ScheduleRow,
} from "../db/repositories/schedules.js";
import { newId } from "../domain/ids.js";
import { AppError } from "../errors/index.js";
import {
  canonicalTarget,
  canonicalTrigger,
  DEFAULT_HORIZON_DAYS,
  DEFAULT_HORIZON_OCCURRENCES,
  DEFAULT_MISFIRE_POLICY,
  DEFAULT_MISSING_TARGET_POLICY,
  DEFAULT_OVERLAP_POLICY,
  keepBinding,
  withoutNulls,
} from "./definition.js";
import { invalidSchedule, parseScheduleId, scheduleNotFound } from "./errors.js";
import { assertScheduleLabels } from "./labels.js";
import { planSchedule } from "./planning.js";
import { projectSchedule } from "./projections.js";
import { definitionChanges, storedDefinition, type StoredDefinition } from "./revision.js";
import type {
  CreateScheduleRequest,
  Schedule,
  TargetBinding,
  UpdateScheduleRequest,
} from "./wire.js";

/** A wire object as a jsonb column value. */
export function asJson(value: object): Record<string, unknown> {
  return value as Record<string, unknown>;
}

/** The schedule, locked for this transaction; 404 when the realm has no such schedule. */
export async function lockSchedule(tx: Tx, realmId: string, id: string): Promise<ScheduleRow> {
  const row = await findScheduleRow(tx, realmId, id, { forUpdate: true });
  if (!row) throw scheduleNotFound(id);
  return row;
}

export interface CreateOptions {
  /**
   * The id to give the schedule. An agent's tool call derives it from the call, so a re-run
   * of the same call returns the schedule it already created instead of a second one.
   */
  id?: string | undefined;
}

export async function createSchedule(
  db: Db,
  realmId: string,
  request: CreateScheduleRequest,
  now: Date,
  options: CreateOptions = {},
): Promise<Schedule> {
  const trigger = canonicalTrigger(request.trigger);
  assertScheduleLabels(request.labels);
  const target = await canonicalTarget(db, realmId, request.target);
  const id = options.id ?? newId();
  return db.transaction(async (tx) => {
    const inserted = await insertScheduleRow(tx, {
      id,
      realmId,
      phase: "active",
      revision: 1,
      name: request.name ?? null,
      description: request.description ?? null,
      trigger: asJson(trigger),
      target: asJson(target),
      misfirePolicy: asJson(withoutNulls(request.misfire_policy ?? DEFAULT_MISFIRE_POLICY)),
      overlapPolicy: request.overlap_policy ?? DEFAULT_OVERLAP_POLICY,
      missingTargetPolicy: request.missing_target_policy ?? DEFAULT_MISSING_TARGET_POLICY,
      planningHorizonDays: request.planning_horizon_days ?? DEFAULT_HORIZON_DAYS,
      planningHorizonOccurrences:
        request.planning_horizon_occurrences ?? DEFAULT_HORIZON_OCCURRENCES,
      labels: request.labels ?? {},
      nextOccurrenceOrdinal: 0,
      planningCursorAt: null,
      replanAt: now,
      createdAt: now,
      updatedAt: now,
    });
    if (!inserted) {
      const existing = await findScheduleRow(tx, realmId, id);
      if (!existing) throw new AppError("INTERNAL_ERROR", `schedule id ${id} is already taken`);
      return projectSchedule(existing);
    }
    const { schedule } = await planSchedule(tx, inserted, now);
    return projectSchedule(schedule);
  });
}

/** A schedule of the realm, deleted ones included. */
export async function getSchedule(db: DbOrTx, realmId: string, rawId: string): Promise<Schedule> {
  const id = parseScheduleId(rawId);
  const row = await findScheduleRow(db, realmId, id);
  if (!row) throw scheduleNotFound(id);
  return projectSchedule(row);
}

export interface ListSchedulesOptions {
  /** Every pair must match. */
  labels?: Record<string, string> | undefined;
  /** No limit lists them all. */
  limit?: number | undefined;
  offset?: number | undefined;
}

/** The realm's live schedules (deleted ones excluded), oldest first. */
export async function listSchedules(
  db: DbOrTx,
  realmId: string,
  options: ListSchedulesOptions = {},
): Promise<Schedule[]> {
  const rows = await listScheduleRows(db, { realmId, ...options });
  return rows.map(projectSchedule);
}

/** The revision-affecting fields of an update, canonical (undefined where not given). */
async function definitionPatch(
  tx: Tx,
  realmId: string,
  current: ScheduleRow,
  request: UpdateScheduleRequest,
): Promise<Partial<StoredDefinition>> {
  const patch: Partial<StoredDefinition> = {};
  if (request.trigger) patch.trigger = asJson(canonicalTrigger(request.trigger));
  if (request.target) {
    const stored = current.target as unknown as TargetBinding;
    const target = await canonicalTarget(tx, realmId, request.target, stored);
    patch.target = asJson(keepBinding(stored, target));
  }
  if (request.misfire_policy) patch.misfirePolicy = asJson(withoutNulls(request.misfire_policy));
  if (request.overlap_policy) patch.overlapPolicy = request.overlap_policy;
  if (request.missing_target_policy) patch.missingTargetPolicy = request.missing_target_policy;
  return patch;
}

/** Metadata changes: they never make a new revision. Absent and null fields are unchanged. */
function metadataChanges(request: UpdateScheduleRequest): ScheduleChanges {
  const changes: ScheduleChanges = {};
  if (request.name != null) changes.name = request.name;
  if (request.description != null) changes.description = request.description;
  if (request.labels != null) changes.labels = request.labels;
  if (request.planning_horizon_days != null) {
    changes.planningHorizonDays = request.planning_horizon_days;
  }
  if (request.planning_horizon_occurrences != null) {
    changes.planningHorizonOccurrences = request.planning_horizon_occurrences;
  }
  return changes;
}

/**
 * PATCH semantics of §7.3. A changed trigger, target or policy makes a new revision: pending
 * occurrences of older revisions are superseded and the horizon is planned again from
 * scratch. Other changes keep the revision (a grown horizon is filled).
 */
export async function updateSchedule(
  db: Db,
  realmId: string,
  rawId: string,
  request: UpdateScheduleRequest,
  now: Date,
): Promise<Schedule> {
  const id = parseScheduleId(rawId);
  return db.transaction(async (tx) => {
    const row = await lockSchedule(tx, realmId, id);
    if (row.phase === "deleted") throw invalidSchedule("schedule is deleted");
    const expected = request.expected_revision;
    if (expected != null && expected !== row.revision) {
      throw invalidSchedule(
        `schedule revision mismatch: expected ${expected}, found ${row.revision}`,
      );
    }
    assertScheduleLabels(request.labels);
    const patch = await definitionPatch(tx, realmId, row, request);
    const { bump, changes } = definitionChanges(storedDefinition(row), patch);
    const revision = bump ? row.revision + 1 : row.revision;
    const updated = await updateScheduleRow(tx, id, {
      ...changes,
      ...metadataChanges(request),
      ...(bump ? { revision, planningCursorAt: null } : {}),
      updatedAt: now,
      replanAt: now,
    });
    if (bump) {
      await supersedePendingOccurrences(tx, {
        scheduleId: id,
        byRevision: revision,
        now,
        detail: `superseded by revision ${revision}`,
      });
    }
    const { schedule } = await planSchedule(tx, updated, now);
    return projectSchedule(schedule);
  });
}
