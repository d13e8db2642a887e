import { and, asc, desc, eq, inArray, lt, lte, ne, sql } from "drizzle-orm";
import { newId } from "../../domain/ids.js";
import type { DbOrTx } from "../client.js";
import { scheduleOccurrences, scheduleReceipts, schedules } from "../schema/schedules.js";

/**
 * The schedule ledger: schedules, their occurrences and the receipts of each occurrence. The
 * service layer (`@meerkat/shared/schedules`) owns the rules; these functions are its storage.
 * Timestamps come from the caller's clock so planning and tests agree on "now".
 */

export type ScheduleRow = typeof schedules.$inferSelect;
export type NewScheduleRow = typeof schedules.$inferInsert;
export type OccurrenceRow = typeof scheduleOccurrences.$inferSelect;
export type NewOccurrenceRow = typeof scheduleOccurrences.$inferInsert;
export type ReceiptRow = typeof scheduleReceipts.$inferSelect;
export type NewReceiptRow = typeof scheduleReceipts.$inferInsert;

/** The columns a schedule mutation may change. */
export type ScheduleChanges = Partial<Omit<NewScheduleRow, "id" | "realmId" | "createdAt">>;

const TERMINAL_PHASES = ["completed", "skipped", "misfired", "superseded", "delivery_failed"];

/** Inserts a schedule; undefined when the id exists (a re-run of the same create). */
export async function insertScheduleRow(
  db: DbOrTx,
  row: NewScheduleRow,
): Promise<ScheduleRow | undefined> {
  const [inserted] = await db.insert(schedules).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** A schedule of a realm (deleted ones too); `forUpdate` locks it for a read-modify-write. */
export async function findScheduleRow(
  db: DbOrTx,
  realmId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ScheduleRow | undefined> {
  const query = db
    .select()
    .from(schedules)
    .where(and(eq(schedules.id, id), eq(schedules.realmId, realmId)));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  return row;
}

/**
 * Live schedules of a realm in creation order; every label pair must match (`@>`, served by
 * the GIN index). No limit returns them all, as the reference's list does.
 */
export async function listScheduleRows(
  db: DbOrTx,
  params: {
    realmId: string;
    labels?: Record<string, string> | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  },
): Promise<ScheduleRow[]> {
  const labels = params.labels ?? {};
  const query = db
    .select()
    .from(schedules)
    .where(
      and(
        eq(schedules.realmId, params.realmId),
        ne(schedules.phase, "deleted"),
        Object.keys(labels).length > 0
          ? sql`${schedules.labels} @> ${JSON.stringify(labels)}::jsonb`
          : undefined,
      ),
    )
    .orderBy(asc(schedules.createdAt), asc(schedules.id))
    .offset(params.offset ?? 0);
  return params.limit === undefined ? query : query.limit(params.limit);
}

export async function updateScheduleRow(
  db: DbOrTx,
  id: string,
  changes: ScheduleChanges,
): Promise<ScheduleRow> {
  const [row] = await db.update(schedules).set(changes).where(eq(schedules.id, id)).returning();
  if (!row) throw new Error(`schedule ${id} vanished during an update`);
  return row;
}

export interface PendingStats {
  /** Pending occurrences of the revision due at or before the horizon end. */
  inHorizon: number;
  /** Latest and earliest due time of the revision's pending occurrences (any horizon). */
  maxDue: Date | null;
  minDue: Date | null;
}

/** What the planner needs to know about a revision's pending occurrences, in one query. */
export async function pendingOccurrenceStats(
  db: DbOrTx,
  params: { scheduleId: string; revision: number; horizonEnd: Date },
): Promise<PendingStats> {
  const dueAt = scheduleOccurrences.dueAt;
  const [row] = await db
    .select({
      inHorizon: sql<number>`(count(*) filter (where ${dueAt} <= ${params.horizonEnd}))::int`,
      // Mapped through the column, so they arrive as Dates like any selected timestamp.
      maxDue: sql<Date | null>`max(${dueAt})`.mapWith(dueAt),
      minDue: sql<Date | null>`min(${dueAt})`.mapWith(dueAt),
    })
    .from(scheduleOccurrences)
    .where(
      and(
        eq(scheduleOccurrences.scheduleId, params.scheduleId),
        eq(scheduleOccurrences.scheduleRevision, params.revision),
        eq(scheduleOccurrences.phase, "pending"),
      ),
    );
  return {
    inHorizon: row?.inHorizon ?? 0,
    maxDue: row?.maxDue ?? null,
    minDue: row?.minDue ?? null,
  };
}

/**
 * Inserts planned occurrences, each with a `planned` receipt. A due time the revision already
 * has is skipped (the unique (schedule, revision, due_at) index), so planning twice never
 * doubles an occurrence. Returns the rows actually inserted.
 */
export async function insertPlannedOccurrences(
  db: DbOrTx,
  rows: readonly NewOccurrenceRow[],
  receipt: { recordedAt: Date; detail?: string | undefined },
): Promise<OccurrenceRow[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insert(scheduleOccurrences)
    .values([...rows])
    .onConflictDoNothing({
      target: [
        scheduleOccurrences.scheduleId,
        scheduleOccurrences.scheduleRevision,
        scheduleOccurrences.dueAt,
      ],
    })
    .returning();
  if (inserted.length > 0) {
    await db.insert(scheduleReceipts).values(
      inserted.map((occurrence) => ({
        id: newId(),
        occurrenceId: occurrence.id,
        attempt: occurrence.attemptCount,
        stage: "planned",
        detail: receipt.detail ?? null,
        recordedAt: receipt.recordedAt,
      })),
    );
  }
  return inserted.sort((a, b) => a.ordinal - b.ordinal);
}

/** What one planning pass shares across the occurrences it plans: the revision's snapshot. */
export interface PlannedRevision {
  realmId: string;
  scheduleId: string;
  scheduleRevision: number;
  triggerSnapshot: Record<string, unknown>;
  targetSnapshot: Record<string, unknown>;
  misfirePolicy: Record<string, unknown>;
  overlapPolicy: string;
  missingTargetPolicy: string;
}

export interface PlannedTime {
  id: string;
  ordinal: number;
  dueAt: Date;
}

/**
 * The planner's bulk insert: one statement for any number of due times of one revision, with
 * the shared snapshots bound once (a horizon of 64 occurrences is 6 parameters, not 1,600), and
 * a `planned` receipt for each row it inserted. A due time the revision already has is skipped.
 * Returns the inserted times in ordinal order.
 */
export async function insertPlannedTimes(
  db: DbOrTx,
  revision: PlannedRevision,
  times: readonly PlannedTime[],
  receipt: { recordedAt: Date; detail?: string | undefined },
): Promise<PlannedTime[]> {
  if (times.length === 0) return [];
  const ids = `{${times.map((time) => time.id).join(",")}}`;
  const ordinals = `{${times.map((time) => time.ordinal).join(",")}}`;
  const dues = `{${times.map((time) => time.dueAt.toISOString()).join(",")}}`;
  const result = await db.execute<{ id: string; ordinal: number; due_at: string | Date }>(sql`
    with planned as (
      insert into schedule_occurrences (id, realm_id, schedule_id, schedule_revision, ordinal,
        phase, due_at, trigger_snapshot, target_snapshot, misfire_policy, overlap_policy,
        missing_target_policy, created_at)
      select p.id, ${revision.realmId}, ${revision.scheduleId}, ${revision.scheduleRevision},
             p.ordinal, 'pending', p.due_at, ${JSON.stringify(revision.triggerSnapshot)}::jsonb,
             ${JSON.stringify(revision.targetSnapshot)}::jsonb,
             ${JSON.stringify(revision.misfirePolicy)}::jsonb, ${revision.overlapPolicy},
             ${revision.missingTargetPolicy}, ${receipt.recordedAt.toISOString()}::timestamptz
      from unnest(${ids}::uuid[], ${ordinals}::int[], ${dues}::timestamptz[]) as p(id, ordinal, due_at)
      on conflict (schedule_id, schedule_revision, due_at) do nothing
      returning id, ordinal, due_at
    ),
    receipts as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage, detail, recorded_at)
      select gen_random_uuid(), id, 0, 'planned', ${receipt.detail ?? null},
             ${receipt.recordedAt.toISOString()}::timestamptz
      from planned
      returning 1
    )
    select id, ordinal, due_at from planned order by ordinal
  `);
  return result.rows.map((row) => ({
    id: row.id,
    ordinal: row.ordinal,
    dueAt: new Date(row.due_at),
  }));
}

/** The occurrence a revision has at a due time, if any. */
export async function findOccurrenceAt(
  db: DbOrTx,
  params: { scheduleId: string; revision: number; dueAt: Date },
): Promise<OccurrenceRow | undefined> {
  const [row] = await db
    .select()
    .from(scheduleOccurrences)
    .where(
      and(
        eq(scheduleOccurrences.scheduleId, params.scheduleId),
        eq(scheduleOccurrences.scheduleRevision, params.revision),
        eq(scheduleOccurrences.dueAt, params.dueAt),
      ),
    );
  return row;
}

/**
 * Pending occurrences of revisions older than `byRevision` become `superseded`, each with a
 * receipt. In-flight ones are left to the scheduler, which supersedes them when it finds the
 * revision moved on. Returns how many.
 */
export async function supersedePendingOccurrences(
  db: DbOrTx,
  params: {
    scheduleId: string;
    byRevision: number;
    now: Date;
    detail: string;
  },
): Promise<number> {
  const superseded = await db
    .update(scheduleOccurrences)
    .set({
      phase: "superseded",
      supersededByRevision: params.byRevision,
      completedAt: params.now,
    })
    .where(
      and(
        eq(scheduleOccurrences.scheduleId, params.scheduleId),
        eq(scheduleOccurrences.phase, "pending"),
        lt(scheduleOccurrences.scheduleRevision, params.byRevision),
      ),
    )
    .returning({ id: scheduleOccurrences.id, attempt: scheduleOccurrences.attemptCount });
  if (superseded.length > 0) {
    await db.insert(scheduleReceipts).values(
      superseded.map((occurrence) => ({
        id: newId(),
        occurrenceId: occurrence.id,
        attempt: occurrence.attempt,
        stage: "superseded",
        detail: params.detail,
        recordedAt: params.now,
      })),
    );
  }
  return superseded.length;
}

/**
 * Takes a schedule's pending occurrences out of the due index (pause) or puts them back
 * (resume). The caller holds the schedule's row lock.
 */
export async function holdPendingOccurrences(
  db: DbOrTx,
  params: { scheduleId: string; held: boolean },
): Promise<void> {
  await db.execute(sql`
    update schedule_occurrences set held = ${params.held}
    where schedule_id = ${params.scheduleId} and phase = 'pending' and held <> ${params.held}
  `);
}

/**
 * Claimed-but-undispatched occurrences go back to pending with a `lease_expired` receipt (a
 * paused schedule delivers nothing new). The scheduler's fenced writes then find their claim
 * gone and write nothing. Dispatching and awaiting ones continue.
 */
export async function releaseClaimedOccurrences(
  db: DbOrTx,
  params: { scheduleId: string; now: Date; detail: string },
): Promise<number> {
  const released = await db
    .update(scheduleOccurrences)
    .set({ phase: "pending", claimedBy: null, leaseExpiresAt: null, claimedAt: null })
    .where(
      and(
        eq(scheduleOccurrences.scheduleId, params.scheduleId),
        eq(scheduleOccurrences.phase, "claimed"),
      ),
    )
    .returning({ id: scheduleOccurrences.id, attempt: scheduleOccurrences.attemptCount });
  if (released.length > 0) {
    await db.insert(scheduleReceipts).values(
      released.map((occurrence) => ({
        id: newId(),
        occurrenceId: occurrence.id,
        attempt: occurrence.attempt,
        stage: "lease_expired",
        detail: params.detail,
        recordedAt: params.now,
      })),
    );
  }
  return released.length;
}

export interface OccurrenceWithReceipt {
  occurrence: OccurrenceRow;
  lastReceipt: ReceiptRow | undefined;
}

/**
 * Where a stage sits in an attempt's life. Receipts written in one statement share a
 * timestamp (and other writers use the database clock), so the latest receipt is found by
 * attempt, then stage, then time, not by time alone.
 */
const STAGE_RANK = sql`case ${scheduleReceipts.stage}
  when 'planned' then 0 when 'claimed' then 1 when 'lease_expired' then 2
  when 'dispatch_started' then 3 when 'dispatch_accepted' then 4
  when 'awaiting_completion' then 5 else 6 end`;

/** The occurrences of a schedule by (due, revision, ordinal), each with its latest receipt. */
export async function listOccurrenceRows(
  db: DbOrTx,
  params: { scheduleId: string; includeTerminal: boolean },
): Promise<OccurrenceWithReceipt[]> {
  const filter = and(
    eq(scheduleOccurrences.scheduleId, params.scheduleId),
    params.includeTerminal
      ? undefined
      : sql`${scheduleOccurrences.phase} not in (${sql.join(
          TERMINAL_PHASES.map((phase) => sql`${phase}`),
          sql`, `,
        )})`,
  );
  const occurrences = await db
    .select()
    .from(scheduleOccurrences)
    .where(filter)
    .orderBy(
      asc(scheduleOccurrences.dueAt),
      asc(scheduleOccurrences.scheduleRevision),
      asc(scheduleOccurrences.ordinal),
    );
  if (occurrences.length === 0) return [];
  const receipts = await db
    .selectDistinctOn([scheduleReceipts.occurrenceId], { receipt: scheduleReceipts })
    .from(scheduleReceipts)
    .innerJoin(scheduleOccurrences, eq(scheduleOccurrences.id, scheduleReceipts.occurrenceId))
    .where(filter)
    .orderBy(
      scheduleReceipts.occurrenceId,
      desc(scheduleReceipts.attempt),
      desc(STAGE_RANK),
      desc(scheduleReceipts.recordedAt),
      desc(scheduleReceipts.id),
    );
  const last = new Map(receipts.map(({ receipt }) => [receipt.occurrenceId, receipt]));
  return occurrences.map((occurrence) => ({
    occurrence,
    lastReceipt: last.get(occurrence.id),
  }));
}

/** The latest receipt of each of these occurrences (same ordering as above). */
export async function lastReceiptsOf(
  db: DbOrTx,
  occurrenceIds: readonly string[],
): Promise<Map<string, ReceiptRow>> {
  if (occurrenceIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([scheduleReceipts.occurrenceId])
    .from(scheduleReceipts)
    .where(inArray(scheduleReceipts.occurrenceId, [...occurrenceIds]))
    .orderBy(
      scheduleReceipts.occurrenceId,
      desc(scheduleReceipts.attempt),
      desc(STAGE_RANK),
      desc(scheduleReceipts.recordedAt),
      desc(scheduleReceipts.id),
    );
  return new Map(rows.map((row) => [row.occurrenceId, row]));
}

/**
 * Active schedules whose horizon is due for a refill, oldest first, locked with SKIP LOCKED:
 * replicas running side by side each take different schedules (and skip the ones an API
 * request is changing right now). Must run inside a transaction.
 */
export async function claimSchedulesToReplan(
  tx: DbOrTx,
  params: { now: Date; limit: number },
): Promise<ScheduleRow[]> {
  return tx
    .select()
    .from(schedules)
    .where(and(eq(schedules.phase, "active"), lte(schedules.replanAt, params.now)))
    .orderBy(asc(schedules.replanAt))
    .limit(params.limit)
    .for("update", { skipLocked: true });
}
