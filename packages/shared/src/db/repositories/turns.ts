import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { TranscriptMessage } from "../../domain/messages.js";
import type { RunResult, TerminalTurnStatus, TurnError, TurnStatus } from "../../domain/turns.js";
import type { Usage } from "../../domain/usage.js";
import { toEnvelope, type EventEnvelope } from "../../domain/events.js";
import type { DbOrTx, Db } from "../client.js";
import { executePrepared } from "../prepared.js";
import type { SessionRow } from "./sessions.js";
import { turns } from "../schema/turns.js";
import { appendEvents, type PendingEvent } from "./events.js";
import { leaseHeld, type TurnFence } from "./fence.js";
import { endTurnRequest, publishTurnRequest } from "./requests.js";

export type TurnRow = typeof turns.$inferSelect;
export type NewTurnRow = typeof turns.$inferInsert;

export async function findTurn(db: DbOrTx, turnId: string): Promise<TurnRow | undefined> {
  const [row] = await db.select().from(turns).where(eq(turns.id, turnId));
  return row;
}

export interface TurnOutcomeRow {
  id: string;
  status: TurnStatus;
  result: RunResult | null;
  error: TurnError | null;
}

/** Status and outcome of several turns at once (one query for every waiting request). */
export async function findTurnOutcomes(
  db: DbOrTx,
  turnIds: readonly string[],
): Promise<TurnOutcomeRow[]> {
  if (turnIds.length === 0) return [];
  const rows = await db
    .select({ id: turns.id, status: turns.status, result: turns.result, error: turns.error })
    .from(turns)
    .where(inArray(turns.id, [...turnIds]));
  return rows.map((row) => ({ ...row, status: row.status as TurnStatus }));
}

/** The queued or running turn of a session, if any. */
export async function findActiveTurn(db: DbOrTx, sessionId: string): Promise<TurnRow | undefined> {
  const [row] = await db
    .select()
    .from(turns)
    .where(and(eq(turns.sessionId, sessionId), inArray(turns.status, ["queued", "running"])));
  return row;
}

export interface ClaimParams {
  turnId: string;
  /**
   * The claim's owner token: unique per claim (a worker id plus a fresh id), since it is part
   * of the fence of every later write (see TurnFence).
   */
  owner: string;
  leaseMs: number;
}

export interface ClaimedTurnContext {
  turn: TurnRow;
  session: SessionRow | undefined;
  realmConfig: Record<string, unknown> | undefined;
  /** The realm config's generation (bumped by every write), undefined without a realm row. */
  realmConfigGeneration: number | undefined;
  /** Whether the session has pending inbox inputs or any system context (else skip reading them). */
  hasInbox: boolean;
}

/**
 * Claims a turn for one worker: a queued turn, or a running one whose lease lapsed (its worker
 * died). Bumps `lease_epoch` and sets the owner token; every later write of this attempt is
 * fenced by both (see TurnFence). Loads what every run needs (its session, the realm's config,
 * whether the inbox has anything) in the same round trip: this is on every turn's path.
 * Returns undefined when someone else holds the turn or it already ended (a duplicate
 * delivery).
 *
 * Nothing is acknowledged by a claim, so it may run on the relaxed-durability handle: a claim
 * a crash rolls back leaves the turn queued for the sweeper, and its token fences the lost
 * attempt out.
 */
export async function claimTurnWithContext(
  db: DbOrTx,
  params: ClaimParams,
): Promise<ClaimedTurnContext | undefined> {
  const result = await executePrepared<{
    turn: Record<string, unknown>;
    session: Record<string, unknown> | null;
    config: Record<string, unknown> | null;
    config_generation: string | number | null;
    has_inbox: boolean;
  }>(
    db,
    sql`
    with claimed as (
      update turns set status = 'running', lease_owner = ${params.owner},
        lease_epoch = lease_epoch + 1,
        lease_expires_at = now() + make_interval(secs => ${params.leaseMs / 1000}),
        attempt = attempt + 1, started_at = coalesce(started_at, now()), updated_at = now()
      where id = ${params.turnId}
        and (status = 'queued' or (status = 'running' and lease_expires_at < now()))
      returning *
    )
    select to_jsonb(claimed) as turn, to_jsonb(s) as session, r.config, r.config_generation,
      exists (select 1 from session_inputs i where i.session_id = claimed.session_id and i.status = 'pending')
        or exists (select 1 from session_system_context c where c.session_id = claimed.session_id)
        as has_inbox
    from claimed
    left join sessions s on s.id = claimed.session_id
    left join realms r on r.id = s.realm_id
  `,
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    turn: turnFromJson(row.turn),
    session: row.session ? sessionFromJson(row.session) : undefined,
    realmConfig: row.config ?? undefined,
    realmConfigGeneration:
      row.config_generation === null ? undefined : Number(row.config_generation),
    hasInbox: row.has_inbox,
  };
}

const date = (value: unknown): Date | null => (typeof value === "string" ? new Date(value) : null);

/** A turns row from its to_jsonb form. */
function turnFromJson(raw: Record<string, unknown>): TurnRow {
  return {
    id: String(raw["id"]),
    realmId: String(raw["realm_id"]),
    sessionId: String(raw["session_id"]),
    kind: String(raw["kind"]),
    status: String(raw["status"]),
    input: raw["input"] as TurnRow["input"],
    requestId: (raw["request_id"] as string | null) ?? null,
    leaseOwner: (raw["lease_owner"] as string | null) ?? null,
    leaseEpoch: Number(raw["lease_epoch"]),
    leaseExpiresAt: date(raw["lease_expires_at"]),
    attempt: Number(raw["attempt"]),
    stopRequestedAt: date(raw["stop_requested_at"]),
    stopReason: (raw["stop_reason"] as string | null) ?? null,
    recoveryCount: Number(raw["recovery_count"]),
    recoveredAt: date(raw["recovered_at"]),
    result: (raw["result"] as TurnRow["result"]) ?? null,
    error: (raw["error"] as TurnRow["error"]) ?? null,
    createdAt: new Date(String(raw["created_at"])),
    startedAt: date(raw["started_at"]),
    finishedAt: date(raw["finished_at"]),
    updatedAt: new Date(String(raw["updated_at"])),
  };
}

/** A sessions row from its to_jsonb form. */
function sessionFromJson(raw: Record<string, unknown>): SessionRow {
  return {
    id: String(raw["id"]),
    realmId: String(raw["realm_id"]),
    instanceId: (raw["instance_id"] as string | null) ?? null,
    model: String(raw["model"]),
    provider: String(raw["provider"]),
    settings: raw["settings"] as SessionRow["settings"],
    labels: (raw["labels"] as Record<string, string> | null) ?? {},
    messageCount: Number(raw["message_count"]),
    inputTokens: Number(raw["input_tokens"]),
    outputTokens: Number(raw["output_tokens"]),
    cacheCreationTokens: Number(raw["cache_creation_tokens"]),
    cacheReadTokens: Number(raw["cache_read_tokens"]),
    lastAssistantText: (raw["last_assistant_text"] as string | null) ?? null,
    eventSeq: Number(raw["event_seq"]),
    eventsPrunedThrough: Number(raw["events_pruned_through"]),
    createdAt: new Date(String(raw["created_at"])),
    updatedAt: new Date(String(raw["updated_at"])),
    archivedAt: date(raw["archived_at"]),
  };
}

export interface LeaseState {
  held: boolean;
  stopReason: string | null;
}

/** Extends the lease while the attempt still holds it; reports a requested stop. */
export async function renewTurnLease(
  db: DbOrTx,
  params: { fence: TurnFence; leaseMs: number },
): Promise<LeaseState> {
  const [row] = await db
    .update(turns)
    .set({
      leaseExpiresAt: sql`now() + make_interval(secs => ${params.leaseMs / 1000})`,
      updatedAt: sql`now()`,
    })
    .where(leaseHeld(params.fence))
    .returning({ stopReason: turns.stopReason });
  return row ? { held: true, stopReason: row.stopReason } : { held: false, stopReason: null };
}

/**
 * Gives up a running attempt without ending the turn (a worker shutting down): the lease is
 * expired now, so the sweeper hands the turn to another worker at once.
 */
export async function releaseTurnLease(db: DbOrTx, fence: TurnFence): Promise<void> {
  await db
    .update(turns)
    .set({ leaseExpiresAt: sql`now()`, updatedAt: sql`now()` })
    .where(leaseHeld(fence));
}

export interface TurnOutcome {
  fence: TurnFence;
  sessionId: string;
  realmId: string;
  status: TerminalTurnStatus;
  result: RunResult | null;
  error: TurnError | null;
  /** Transcript messages this turn appends (in order). */
  newMessages: readonly TranscriptMessage[];
  usage: Usage;
  lastAssistantText: string | null;
  events: readonly PendingEvent[];
  /** Inbox inputs this turn took (marked consumed). */
  consumeInputIds?: readonly string[] | undefined;
  /** Staged system context this turn applied. */
  applySystemContextIds?: readonly string[] | undefined;
  /** Whether a tracked request (X-Meerkat-Request-Id) submitted the turn. */
  hasRequest?: boolean | undefined;
}

export type CommitResult =
  | {
      kind: "committed";
      envelopes: EventEnvelope[];
      /** Inputs arrived while the turn ran: the session should wake for them. */
      hasPendingInputs: boolean;
    }
  /** The attempt no longer holds the turn: nothing was written. */
  | { kind: "fenced" }
  /** The request that submitted the turn was cancelled first: nothing was written. */
  | { kind: "request_cancelled" };

/**
 * Commits a turn's outcome atomically: status and result, transcript, cumulative usage, the
 * final events, and what the turn took from the session's inbox (inputs consumed, the schedule
 * occurrences they delivered ended, system context applied). Fenced by the attempt's claim:
 * nothing is written when it no longer holds the turn. All of it is one statement; only a turn
 * with a tracked request (X-Meerkat-Request-Id) wraps it in a transaction with the request's
 * bookkeeping.
 */
export async function commitTurnOutcome(db: Db, outcome: TurnOutcome): Promise<CommitResult> {
  if (outcome.hasRequest !== true) return writeOutcome(db, outcome);
  return db
    .transaction(async (tx): Promise<CommitResult> => {
      if (outcome.status === "completed") {
        // A cancel that won the race is never overwritten by a success.
        if (!(await publishTurnRequest(tx, outcome.fence.turnId)))
          throw new RequestCancelledFirst();
      } else {
        await endTurnRequest(
          tx,
          outcome.fence.turnId,
          outcome.status === "cancelled" ? "cancelled" : "completed",
        );
      }
      const written = await writeOutcome(tx, outcome);
      // Nothing of the bookkeeping above may outlive a lost lease.
      if (written.kind === "fenced") throw new FencedCommit();
      return written;
    })
    .catch((error: unknown) => {
      if (error instanceof RequestCancelledFirst) return { kind: "request_cancelled" } as const;
      if (error instanceof FencedCommit) return { kind: "fenced" } as const;
      throw error;
    });
}

/** A uuid[] parameter from ids (one parameter, so the statement text stays the same). */
const uuids = (ids: readonly string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;

/**
 * The inbox part of an outcome's statement (empty for a turn that took nothing from it, so the
 * plain turn's statement stays lean): inputs consumed; the schedule occurrences they delivered
 * ended with the turn (completed or delivery_failed, or superseded when their schedule moved on
 * meanwhile), each with its receipt; staged system context applied. Every part is conditional
 * on the fence.
 */
function inboxBookkeeping(outcome: TurnOutcome): SQL {
  const inputIds = outcome.consumeInputIds ?? [];
  const contextIds = outcome.applySystemContextIds ?? [];
  if (inputIds.length === 0 && contextIds.length === 0) return sql``;
  const turnId = outcome.fence.turnId;
  const succeeded = outcome.status === "completed";
  const runtimeOutcome = succeeded
    ? null
    : JSON.stringify({
        kind:
          outcome.status === "interrupted"
            ? "completion_abandoned"
            : "completion_runtime_terminated",
        detail: outcome.error?.message ?? `turn ${outcome.status}`,
      });
  return sql`,
    consumed as (
      update session_inputs set status = 'consumed', turn_id = ${turnId}, consumed_at = now()
      where id = any(${uuids(inputIds)}) and status = 'pending' and exists (select 1 from fence)
      returning id
    ),
    ended as (
      update schedule_occurrences o
      set phase = case
            when s.phase = 'deleted' or s.revision <> o.schedule_revision then 'superseded'
            when ${succeeded} then 'completed'
            else 'delivery_failed' end,
          superseded_by_revision = case
            when s.phase = 'deleted' or s.revision <> o.schedule_revision then s.revision end,
          failure_class = case when s.phase = 'deleted' or s.revision <> o.schedule_revision
            then null when ${succeeded} then null else 'runtime_rejected' end,
          runtime_outcome = ${runtimeOutcome}::jsonb,
          failure_detail = ${succeeded ? null : (outcome.error?.message ?? null)},
          completed_at = now()
      from session_inputs i, schedules s
      where i.id = any(${uuids(inputIds)}) and i.occurrence_id = o.id and s.id = o.schedule_id
        and o.phase = 'awaiting_completion' and exists (select 1 from fence)
      returning o.id, o.attempt_count, o.phase, o.failure_class, o.runtime_outcome
    ),
    receipts as (
      insert into schedule_receipts (id, occurrence_id, attempt, stage, failure_class, runtime_outcome)
      select gen_random_uuid(), id, attempt_count, phase, failure_class, runtime_outcome from ended
      returning 1
    ),
    applied as (
      update session_system_context
      set status = 'applied', applied_turn_id = ${turnId}, applied_at = now()
      where id = any(${uuids(contextIds)}) and status = 'staged' and exists (select 1 from fence)
      returning 1
    )`;
}

/**
 * The outcome itself, in one statement: the fenced turn update, the session's counters (which
 * also allocates message and event seqs under the session row lock), the transcript, the
 * events and the inbox bookkeeping. Reports whether inputs other than the consumed ones are
 * waiting.
 */
async function writeOutcome(db: DbOrTx, outcome: TurnOutcome): Promise<CommitResult> {
  const messageRows = outcome.newMessages.map((body, index) => ({ i: index, body }));
  const eventRows = outcome.events.map((event, index) => ({
    i: index + 1,
    event_id: event.eventId,
    type: event.payload.type,
    payload: event.payload,
    emitted_at: new Date(event.emittedAtMs).toISOString(),
  }));
  const consumed = outcome.consumeInputIds ?? [];
  // Two texts in all, with and without the inbox part (the lists travel as parameters): each
  // runs as a prepared statement.
  const result = await executePrepared<{
    seqs: (string | number)[] | null;
    has_pending: boolean;
    held: boolean;
  }>(
    db,
    sql`
    with fence as (
      update turns set status = ${outcome.status},
        result = ${outcome.result === null ? null : JSON.stringify(outcome.result)}::jsonb,
        error = ${outcome.error === null ? null : JSON.stringify(outcome.error)}::jsonb,
        finished_at = now(), updated_at = now(), lease_expires_at = null
      where ${leaseHeld(outcome.fence)}
      returning session_id
    ),
    sess as (
      update sessions set
        message_count = message_count + ${messageRows.length},
        event_seq = event_seq + ${eventRows.length},
        input_tokens = input_tokens + ${outcome.usage.inputTokens},
        output_tokens = output_tokens + ${outcome.usage.outputTokens},
        cache_creation_tokens = cache_creation_tokens + ${outcome.usage.cacheCreationTokens ?? 0},
        cache_read_tokens = cache_read_tokens + ${outcome.usage.cacheReadTokens ?? 0},
        last_assistant_text = coalesce(${outcome.lastAssistantText}, last_assistant_text),
        updated_at = now()
      where id = (select session_id from fence)
      returning message_count, event_seq
    ),
    msgs as (
      insert into messages (session_id, seq, realm_id, turn_id, role, body)
      select ${outcome.sessionId}, sess.message_count - ${messageRows.length} + m.i, ${outcome.realmId},
             ${outcome.fence.turnId}, m.body->>'role', m.body
      from sess, jsonb_to_recordset(${JSON.stringify(messageRows)}::jsonb) as m(i int, body jsonb)
      returning 1
    ),
    evts as (
      insert into session_events (session_id, seq, realm_id, event_id, turn_id, type, payload, emitted_at)
      select ${outcome.sessionId}, sess.event_seq - ${eventRows.length} + e.i, ${outcome.realmId},
             e.event_id, ${outcome.fence.turnId}, e.type, e.payload, e.emitted_at
      from sess, jsonb_to_recordset(${JSON.stringify(eventRows)}::jsonb)
        as e(i int, event_id uuid, type text, payload jsonb, emitted_at timestamptz)
      returning seq
    )${inboxBookkeeping(outcome)}
    select
      (select array_agg(seq order by seq) from evts) as seqs,
      (select count(*) from msgs) as messages,
      exists (
        select 1 from session_inputs i
        where i.session_id = ${outcome.sessionId} and i.status = 'pending'
          and not (i.id = any(${uuids(consumed)}))
      ) as has_pending,
      exists (select 1 from fence) as held
  `,
  );
  const row = result.rows[0];
  if (!row?.held) return { kind: "fenced" };
  const seqs = (row.seqs ?? []).map(Number);
  return {
    kind: "committed",
    hasPendingInputs: row.has_pending,
    envelopes: outcome.events.map((event, index) =>
      toEnvelope(
        outcome.sessionId,
        seqs[index] ?? 0,
        event.eventId,
        event.emittedAtMs,
        event.payload,
      ),
    ),
  };
}

/** Thrown inside the commit transaction to roll it back when the request was cancelled first. */
class RequestCancelledFirst extends Error {
  constructor() {
    super("the request of this turn was cancelled before it committed");
  }
}

/** Thrown inside the commit transaction to roll back its bookkeeping when the lease was lost. */
class FencedCommit extends Error {
  constructor() {
    super("the turn's lease was lost before its outcome committed");
  }
}

/**
 * Ends a turn that never started (still queued) without a worker, e.g. an interrupt or a
 * cancel that arrived first, together with its final events. Returns the stored events, or
 * null when the turn was no longer queued (a worker claimed it meanwhile).
 */
export async function endQueuedTurn(
  db: Db,
  params: {
    turnId: string;
    sessionId: string;
    realmId: string;
    status: TerminalTurnStatus;
    error: TurnError | null;
    events: readonly PendingEvent[];
  },
): Promise<EventEnvelope[] | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(turns)
      .set({
        status: params.status,
        error: params.error,
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(turns.id, params.turnId), eq(turns.status, "queued")))
      .returning({ id: turns.id });
    if (!row) return null;
    return (
      (await appendEvents(tx, {
        sessionId: params.sessionId,
        realmId: params.realmId,
        turnId: params.turnId,
        events: params.events,
      })) ?? []
    );
  });
}

/** Marks the active turn of a session as asked to stop; returns it (id and status) if any. */
export async function requestTurnStop(
  db: DbOrTx,
  where: { sessionId: string } | { turnId: string },
  reason: "interrupt" | "cancel",
): Promise<{ id: string; status: TurnStatus; sessionId: string } | undefined> {
  const target =
    "sessionId" in where ? eq(turns.sessionId, where.sessionId) : eq(turns.id, where.turnId);
  const [row] = await db
    .update(turns)
    .set({
      stopRequestedAt: sql`coalesce(${turns.stopRequestedAt}, now())`,
      stopReason: sql`coalesce(${turns.stopReason}, ${reason})`,
      updatedAt: sql`now()`,
    })
    .where(and(target, inArray(turns.status, ["queued", "running"])))
    .returning({ id: turns.id, status: turns.status, sessionId: turns.sessionId });
  return row
    ? { id: row.id, status: row.status as TurnStatus, sessionId: row.sessionId }
    : undefined;
}

export interface StrandedTurn {
  id: string;
  status: "queued" | "running";
  recovery: number;
}

/**
 * Turns that need a new job: running turns whose lease lapsed (their worker died) and queued
 * turns older than `queuedGraceMs` (their job was lost, e.g. Redis lost data). Each returned turn
 * gets a fresh recovery number for a deterministic job id; SKIP LOCKED keeps concurrent sweepers
 * from picking the same rows.
 */
export async function takeStrandedTurns(
  db: DbOrTx,
  params: { queuedGraceMs: number; limit: number },
): Promise<StrandedTurn[]> {
  const grace = sql`make_interval(secs => ${params.queuedGraceMs / 1000})`;
  const result = await db.execute<{
    id: string;
    status: "queued" | "running";
    recovery: string | number;
  }>(sql`
    update turns t set recovery_count = t.recovery_count + 1, recovered_at = now()
    from (
      select id from turns
      where status in ('queued', 'running') and (
        (status = 'running' and lease_expires_at < now()
          and (recovered_at is null or recovered_at < lease_expires_at
               or recovered_at < now() - ${grace}))
        or (status = 'queued' and coalesce(recovered_at, created_at) < now() - ${grace})
      )
      order by created_at
      limit ${params.limit}
      for update skip locked
    ) stranded
    where t.id = stranded.id
    returning t.id, t.status, t.recovery_count as recovery
  `);
  return result.rows.map((row) => ({
    id: row.id,
    status: row.status,
    recovery: Number(row.recovery),
  }));
}
