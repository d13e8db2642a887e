import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import type { InputNotice } from "../schema/session-inputs.js";

/**
 * The scheduler's side of the occurrence ledger: misfire, claim, and hand-off of a delivery to
 * the target session's inbox. Each step is one conditional statement or transaction, so several
 * scheduler replicas can run side by side and an occurrence is delivered at most once.
 */

export interface ClaimedOccurrence {
  id: string;
  realmId: string;
  scheduleId: string;
  scheduleRevision: number;
  ordinal: number;
  dueAt: Date;
  targetSnapshot: Record<string, unknown>;
  overlapPolicy: string;
  missingTargetPolicy: string;
  attemptCount: number;
  leaseExpiresAt: Date;
}

const SKIP_GRACE_SECONDS = 30;
/**
 * The API refuses longer catch-up windows (schedules/wire.ts); the clamp keeps any row stored
 * otherwise from putting `now() - window` out of Postgres's range, which would fail the query
 * for every schedule at every tick.
 */
const MAX_CATCH_UP_WINDOW_SECONDS = 3_650 * 86_400;

/** A uuid[] parameter list (each id bound separately). */
function uuidArray(ids: readonly string[]) {
  return sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
}

/**
 * Pending occurrences of active schedules that are later than their misfire window allows
 * (`skip`: 30 s grace; `catch_up_within`: window_seconds) become `misfired`, with a receipt.
 * Returns how many.
 */
export async function misfireLateOccurrences(db: DbOrTx, limit: number): Promise<number> {
  // Driven by the due-time index (pending, not held by a pause): the schedule's phase is a
  // per-row subquery, never a join the planner could turn into a loop over every schedule, so
  // the cost follows the number of overdue rows whatever the table statistics say.
  const result = await db.execute<{ n: string | number }>(sql`
    with late as (
      select o.id from schedule_occurrences o
      where o.phase = 'pending' and not o.held
        and o.due_at < now()
        and o.due_at < now() - make_interval(secs => case
          when o.misfire_policy->>'type' = 'catch_up_within'
            then least(coalesce((o.misfire_policy->>'window_seconds')::float8, 0),
                       ${MAX_CATCH_UP_WINDOW_SECONDS})
          else ${SKIP_GRACE_SECONDS} end)
        and (select s.phase from schedules s where s.id = o.schedule_id) = 'active'
      order by o.due_at
      limit ${limit}
      for update of o skip locked
    ),
    misfired as (
      update schedule_occurrences o
      set phase = 'misfired', completed_at = now(),
          failure_detail = 'missed scheduled time by ' || floor(extract(epoch from now() - o.due_at))::text || 's'
      from late where o.id = late.id
      returning o.id, o.attempt_count, o.failure_detail
    ),
    receipts as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage, detail)
      select gen_random_uuid(), id, attempt_count, 'misfired', failure_detail from misfired
      returning 1
    )
    select count(*) as n from misfired
  `);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Claims up to `limit` due occurrences of active schedules (and re-claims ones whose claim
 * lapsed: their scheduler died), oldest first, with SKIP LOCKED: concurrent replicas never take
 * the same one. Each claim bumps attempt_count and sets a lease.
 */
export async function claimDueOccurrences(
  db: DbOrTx,
  params: { owner: string; leaseMs: number; limit: number },
): Promise<ClaimedOccurrence[]> {
  const result = await db.execute(sql`
    with lapsed_claims as (
      select o.id, o.phase as old_phase, o.due_at from schedule_occurrences o
      where o.phase in ('claimed', 'dispatching') and o.lease_expires_at < now()
        and (select s.phase from schedules s where s.id = o.schedule_id) = 'active'
      order by o.lease_expires_at
      limit ${params.limit}
      for update of o skip locked
    ),
    due_pending as (
      select o.id, o.phase as old_phase, o.due_at from schedule_occurrences o
      where o.phase = 'pending' and not o.held and o.due_at <= now()
        and (select s.phase from schedules s where s.id = o.schedule_id) = 'active'
      order by o.due_at
      limit ${params.limit}
      for update of o skip locked
    ),
    due as (
      select * from (select * from lapsed_claims union all select * from due_pending) both_kinds
      order by due_at
      limit ${params.limit}
    ),
    claimed as (
      update schedule_occurrences o
      set phase = 'claimed', claimed_by = ${params.owner},
          lease_expires_at = now() + make_interval(secs => ${params.leaseMs / 1000}),
          attempt_count = o.attempt_count + 1, claimed_at = now()
      from due where o.id = due.id
      returning o.*, due.old_phase
    ),
    lapsed as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage, failure_class, detail)
      select gen_random_uuid(), id, attempt_count - 1, 'lease_expired', 'lease_lost',
             'the previous claim lapsed (its scheduler stopped)'
      from claimed where old_phase <> 'pending'
      returning 1
    ),
    receipts as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage)
      select gen_random_uuid(), id, attempt_count, 'claimed' from claimed
      returning 1
    )
    select * from claimed order by due_at
  `);
  return result.rows.map((row) => ({
    id: String(row["id"]),
    realmId: String(row["realm_id"]),
    scheduleId: String(row["schedule_id"]),
    scheduleRevision: Number(row["schedule_revision"]),
    ordinal: Number(row["ordinal"]),
    dueAt: new Date(String(row["due_at"])),
    targetSnapshot: row["target_snapshot"] as Record<string, unknown>,
    overlapPolicy: String(row["overlap_policy"]),
    missingTargetPolicy: String(row["missing_target_policy"]),
    attemptCount: Number(row["attempt_count"]),
    leaseExpiresAt: new Date(String(row["lease_expires_at"])),
  }));
}

/**
 * Milliseconds from the database's now until the earliest claimable pending occurrence is due
 * (negative when one is overdue), or undefined when none is pending. Reads the first entry of
 * the due index.
 */
export async function msUntilNextDue(db: DbOrTx): Promise<number | undefined> {
  const result = await db.execute<{ ms: string | number | null }>(sql`
    select extract(epoch from (min(due_at) - now())) * 1000 as ms
    from schedule_occurrences where phase = 'pending' and not held
  `);
  const ms = result.rows[0]?.ms;
  return ms === null || ms === undefined ? undefined : Number(ms);
}

/** Extends this scheduler's claims while their deliveries run. */
export async function renewOccurrenceClaims(
  db: DbOrTx,
  params: { owner: string; ids: readonly string[]; leaseMs: number },
): Promise<void> {
  if (params.ids.length === 0) return;
  await db.execute(sql`
    update schedule_occurrences
    set lease_expires_at = now() + make_interval(secs => ${params.leaseMs / 1000})
    where id = any(${uuidArray(params.ids)})
      and claimed_by = ${params.owner} and phase in ('claimed', 'dispatching')
  `);
}

/** The fence of a claim: still ours, same attempt. */
const claimHolds = (occurrence: { id: string; attemptCount: number }, owner: string) => sql`
  id = ${occurrence.id} and claimed_by = ${owner} and attempt_count = ${occurrence.attemptCount}
  and phase = 'claimed'
`;

export type TerminalPhase = "completed" | "skipped" | "misfired" | "superseded" | "delivery_failed";

/** Ends a claimed occurrence without delivering it (fenced); false when the claim was lost. */
export async function settleClaimedOccurrence(
  db: DbOrTx,
  occurrence: { id: string; attemptCount: number },
  owner: string,
  outcome: {
    phase: TerminalPhase | "pending";
    failureClass?: string | undefined;
    detail?: string | undefined;
    supersededByRevision?: number | undefined;
  },
): Promise<boolean> {
  const release = outcome.phase === "pending";
  // A released claim goes back held when its schedule is paused; the share lock waits for a
  // resume in flight, so the flag always matches the phase the schedule commits.
  const result = await db.execute<{ id: string }>(sql`
    with schedule as (
      select s.phase from schedules s
      join schedule_occurrences o on o.schedule_id = s.id and o.id = ${occurrence.id}
      for share of s
    ),
    settled as (
      update schedule_occurrences
      set phase = ${outcome.phase},
          held = ${release ? sql`coalesce((select phase = 'paused' from schedule), false)` : sql`false`},
          lease_expires_at = null,
          claimed_by = ${release ? null : owner},
          failure_class = ${outcome.failureClass ?? null},
          failure_detail = ${outcome.detail ?? null},
          superseded_by_revision = ${outcome.supersededByRevision ?? null},
          completed_at = ${release ? null : sql`now()`}
      where ${claimHolds(occurrence, owner)}
      returning id, attempt_count
    ),
    receipt as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage, failure_class, detail)
      select gen_random_uuid(), id, attempt_count, ${release ? "lease_expired" : outcome.phase},
             ${outcome.failureClass ?? null}, ${outcome.detail ?? null}
      from settled
      returning 1
    )
    select id from settled
  `);
  return result.rows.length === 1;
}

export interface DeliveryParams {
  occurrence: { id: string; attemptCount: number; scheduleId: string };
  owner: string;
  realmId: string;
  sessionId: string;
  inputId: string;
  /** The id of the inbox turn the delivery starts when the session is idle. */
  wakeTurnId: string;
  kind: "schedule_prompt" | "schedule_event";
  notice: InputNotice;
  materializedSessionId?: string | undefined;
}

export type DeliveryOutcome =
  /** `wokenTurnId`: the inbox turn started for it, to enqueue (none when a turn was active). */
  | { kind: "delivered"; wokenTurnId: string | undefined }
  | { kind: "claim_lost" }
  | { kind: "session_missing" };

/**
 * Hands an occurrence to its session, atomically: the input (idempotency key
 * `schedule:<sid>:occurrence:<oid>`) lands in the session's inbox, the occurrence moves to
 * awaiting_completion, fenced by the claim, and the session wakes: an inbox turn is queued
 * unless one is active (it, or the turn after it, takes the input). From then on no lease is
 * needed: the worker reports the turn's end, so a long delivery is never claimed again.
 */
export async function deliverOccurrence(
  db: DbOrTx,
  params: DeliveryParams,
): Promise<DeliveryOutcome> {
  // One statement, so one round trip and atomic: the session row is locked (an archive waits),
  // the fenced phase change and the inbox insert happen only when both hold.
  const result = await db.execute<{
    session_ok: boolean;
    moved: boolean;
    woken: string | null;
  }>(sql`
    with target as (
      select id from sessions
      where id = ${params.sessionId} and realm_id = ${params.realmId} and archived_at is null
      for update
    ),
    moved as (
      update schedule_occurrences
      set phase = 'awaiting_completion', lease_expires_at = null, dispatched_at = now(),
          delivery_correlation_id = ${params.inputId}, session_id = ${params.sessionId},
          -- A materialize target records the session it was delivered to.
          target_snapshot = case
            when target_snapshot->>'type' = 'materialize_on_demand_session'
              then jsonb_set(target_snapshot, '{bound_session_id}', to_jsonb(${params.sessionId}::text))
            else target_snapshot end
      where ${claimHolds(params.occurrence, params.owner)} and exists (select 1 from target)
      returning id
    ),
    input as (
      insert into session_inputs (id, realm_id, session_id, kind, source, handling_mode,
                                  idempotency_key, notice, occurrence_id)
      select ${params.inputId}, ${params.realmId}, ${params.sessionId}, ${params.kind},
             ${`schedule:${params.occurrence.scheduleId}`}, 'queue',
             ${`schedule:${params.occurrence.scheduleId}:occurrence:${params.occurrence.id}`},
             ${JSON.stringify(params.notice)}::jsonb, ${params.occurrence.id}
      from moved
      on conflict (session_id, idempotency_key) where idempotency_key is not null do nothing
      returning 1
    ),
    receipts as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage, correlation_id, materialized_session_id)
      select gen_random_uuid(), moved.id, ${params.occurrence.attemptCount}, stage,
             ${params.inputId}, ${params.materializedSessionId ?? null}
      from moved,
           unnest(array['dispatch_started', 'dispatch_accepted', 'awaiting_completion']) as stage
      returning 1
    ),
    woken as (
      insert into turns (id, realm_id, session_id, kind, status, input)
      select ${params.wakeTurnId}, ${params.realmId}, ${params.sessionId}, 'inbox', 'queued', '{}'::jsonb
      from moved
      on conflict (session_id) where status in ('queued', 'running') do nothing
      returning id
    )
    select exists (select 1 from target) as session_ok, exists (select 1 from moved) as moved,
      (select id from woken) as woken
  `);
  const row = result.rows[0];
  if (!row?.session_ok) return { kind: "session_missing" };
  if (!row.moved) return { kind: "claim_lost" };
  return { kind: "delivered", wokenTurnId: row.woken ?? undefined };
}

/** Whether a session has a queued or running turn (the overlap probe). */
export async function sessionIsBusy(db: DbOrTx, sessionId: string): Promise<boolean> {
  const result = await db.execute(sql`
    select 1 from turns where session_id = ${sessionId} and status in ('queued', 'running') limit 1
  `);
  return result.rows.length > 0;
}
