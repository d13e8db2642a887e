import { and, asc, eq, gt, sql } from "drizzle-orm";
import { toEnvelope, type AgentEvent, type EventEnvelope } from "../../domain/events.js";
import type { DbOrTx } from "../client.js";
import { sessionEvents } from "../schema/session-events.js";
import { leaseHeld, type TurnFence } from "./fence.js";

export interface PendingEvent {
  eventId: string;
  payload: AgentEvent;
  emittedAtMs: number;
}

export interface AppendEventsParams {
  sessionId: string;
  realmId: string;
  turnId: string | null;
  events: readonly PendingEvent[];
  /** When set, nothing is written unless the turn is still running under this claim. */
  fence?: TurnFence | undefined;
}

/**
 * Allocates the next seqs of the session and inserts the events, in one statement. The session
 * row lock taken by the allocation orders concurrent writers, so seqs commit in order without
 * gaps. Returns the stored envelopes, or null when the fence no longer holds (nothing written).
 */
export async function appendEvents(
  db: DbOrTx,
  params: AppendEventsParams,
): Promise<EventEnvelope[] | null> {
  const count = params.events.length;
  if (count === 0) return [];
  const rows = params.events.map((event, index) => ({
    i: index + 1,
    event_id: event.eventId,
    type: event.payload.type,
    payload: event.payload,
    emitted_at: new Date(event.emittedAtMs).toISOString(),
  }));
  const fenceClause = params.fence ? sql`and exists (select 1 from fence)` : sql``;
  const fenceCte = params.fence
    ? sql`fence as (
        select id from turns where ${leaseHeld(params.fence)}
        for no key update
      ),`
    : sql``;
  const result = await db.execute<{ seq: string | number }>(sql`
    with ${fenceCte}
    alloc as (
      update sessions set event_seq = event_seq + ${count}
      where id = ${params.sessionId} ${fenceClause}
      returning event_seq
    )
    insert into session_events (session_id, seq, realm_id, event_id, turn_id, type, payload, emitted_at)
    select ${params.sessionId}, alloc.event_seq - ${count} + e.i, ${params.realmId}, e.event_id,
           ${params.turnId}, e.type, e.payload, e.emitted_at
    from alloc, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as e(i int, event_id uuid, type text, payload jsonb, emitted_at timestamptz)
    order by e.i
    returning seq
  `);
  if (result.rows.length !== count) return null;
  const seqs = result.rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
  return params.events.map((event, index) =>
    toEnvelope(params.sessionId, seqs[index] ?? 0, event.eventId, event.emittedAtMs, event.payload),
  );
}

/** Events after `afterSeq`, oldest first. */
export async function listEventsAfter(
  db: DbOrTx,
  sessionId: string,
  afterSeq: number,
  limit: number,
): Promise<EventEnvelope[]> {
  const rows = await db
    .select({
      seq: sessionEvents.seq,
      eventId: sessionEvents.eventId,
      payload: sessionEvents.payload,
      emittedAt: sessionEvents.emittedAt,
    })
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), gt(sessionEvents.seq, afterSeq)))
    .orderBy(asc(sessionEvents.seq))
    .limit(limit);
  return rows.map((row) =>
    toEnvelope(sessionId, row.seq, row.eventId, row.emittedAt.getTime(), row.payload),
  );
}

/**
 * Deletes events older than `olderThanMs` in one realm (at most `limit` rows) and records, per
 * session, the highest pruned seq: cursors at or below it get `resync_required`. Returns the
 * number of events deleted.
 */
export async function pruneEvents(
  db: DbOrTx,
  params: { realmId: string; olderThanMs: number; limit: number },
): Promise<number> {
  const result = await db.execute<{ pruned: string | number }>(sql`
    with doomed as (
      select session_id, seq from session_events
      where realm_id = ${params.realmId}
        and created_at < now() - make_interval(secs => ${params.olderThanMs / 1000})
      order by created_at
      limit ${params.limit}
      for update skip locked
    ),
    deleted as (
      delete from session_events e using doomed d
      where e.session_id = d.session_id and e.seq = d.seq
      returning e.session_id, e.seq
    ),
    marks as (
      update sessions s set events_pruned_through = greatest(s.events_pruned_through, m.max_seq)
      from (select session_id, max(seq) as max_seq from deleted group by session_id) m
      where s.id = m.session_id
      returning s.id
    )
    select (select count(*) from deleted) as pruned
  `);
  return Number(result.rows[0]?.pruned ?? 0);
}

/** The highest committed seq and the pruning mark of a session. */
export async function eventBounds(
  db: DbOrTx,
  sessionId: string,
): Promise<{ lastSeq: number; prunedThrough: number } | undefined> {
  const result = await db.execute<{
    event_seq: string | number;
    events_pruned_through: string | number;
  }>(sql`
    select event_seq, events_pruned_through from sessions where id = ${sessionId}
  `);
  const row = result.rows[0];
  return row
    ? { lastSeq: Number(row.event_seq), prunedThrough: Number(row.events_pruned_through) }
    : undefined;
}
