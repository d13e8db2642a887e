import { and, eq, inArray, sql } from "drizzle-orm";
import type { TranscriptMessage } from "../../domain/messages.js";
import type { RunResult, TerminalTurnStatus, TurnError, TurnStatus } from "../../domain/turns.js";
import type { Usage } from "../../domain/usage.js";
import type { EventEnvelope } from "../../domain/events.js";
import type { DbOrTx, Db } from "../client.js";
import { messages } from "../schema/messages.js";
import { sessions } from "../schema/sessions.js";
import { turns } from "../schema/turns.js";
import { appendEvents, type PendingEvent } from "./events.js";
import { applySystemContext, consumeInputs } from "./inputs.js";
import { completeDeliveredOccurrences } from "./occurrence-delivery.js";
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
  owner: string;
  leaseMs: number;
}

/**
 * Claims a turn for one worker: a queued turn, or a running one whose lease lapsed (its worker
 * died). Bumps `lease_epoch`; every later write of this attempt is fenced by that epoch.
 * Returns undefined when someone else holds it or it already ended (a duplicate delivery).
 */
export async function claimTurn(db: DbOrTx, params: ClaimParams): Promise<TurnRow | undefined> {
  const [row] = await db
    .update(turns)
    .set({
      status: "running",
      leaseOwner: params.owner,
      leaseEpoch: sql`${turns.leaseEpoch} + 1`,
      leaseExpiresAt: sql`now() + make_interval(secs => ${params.leaseMs / 1000})`,
      attempt: sql`${turns.attempt} + 1`,
      startedAt: sql`coalesce(${turns.startedAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(turns.id, params.turnId),
        sql`(${turns.status} = 'queued' or (${turns.status} = 'running' and ${turns.leaseExpiresAt} < now()))`,
      ),
    )
    .returning();
  return row;
}

export interface LeaseState {
  held: boolean;
  stopReason: string | null;
}

/** Extends the lease while the attempt still holds it; reports a requested stop. */
export async function renewTurnLease(
  db: DbOrTx,
  params: { turnId: string; epoch: number; leaseMs: number },
): Promise<LeaseState> {
  const [row] = await db
    .update(turns)
    .set({
      leaseExpiresAt: sql`now() + make_interval(secs => ${params.leaseMs / 1000})`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(turns.id, params.turnId),
        eq(turns.leaseEpoch, params.epoch),
        eq(turns.status, "running"),
      ),
    )
    .returning({ stopReason: turns.stopReason });
  return row ? { held: true, stopReason: row.stopReason } : { held: false, stopReason: null };
}

/**
 * Gives up a running attempt without ending the turn (a worker shutting down): the lease is
 * expired now, so the sweeper hands the turn to another worker at once.
 */
export async function releaseTurnLease(
  db: DbOrTx,
  params: { turnId: string; epoch: number },
): Promise<void> {
  await db
    .update(turns)
    .set({ leaseExpiresAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(turns.id, params.turnId),
        eq(turns.leaseEpoch, params.epoch),
        eq(turns.status, "running"),
      ),
    );
}

export interface TurnOutcome {
  turnId: string;
  epoch: number;
  sessionId: string;
  realmId: string;
  status: TerminalTurnStatus;
  result: RunResult | null;
  error: TurnError | null;
  /** Transcript messages this turn appends (in order). */
  newMessages: readonly TranscriptMessage[];
  /** Replace (or insert) the leading system message with this text. */
  systemPrompt?: string | null | undefined;
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
  | { kind: "committed"; envelopes: EventEnvelope[] }
  /** The attempt no longer holds the turn: nothing was written. */
  | { kind: "fenced" }
  /** The request that submitted the turn was cancelled first: nothing was written. */
  | { kind: "request_cancelled" };

/**
 * Commits a turn's outcome atomically: status and result, transcript, cumulative usage and the
 * final events. Fenced by the lease epoch: returns null (and writes nothing) when this attempt
 * no longer holds the turn.
 */
export async function commitTurnOutcome(db: Db, outcome: TurnOutcome): Promise<CommitResult> {
  const result = await db
    .transaction(async (tx): Promise<CommitResult> => {
      const [fenced] = await tx
        .update(turns)
        .set({
          status: outcome.status,
          result: outcome.result,
          error: outcome.error,
          finishedAt: sql`now()`,
          updatedAt: sql`now()`,
          leaseExpiresAt: null,
        })
        .where(
          and(
            eq(turns.id, outcome.turnId),
            eq(turns.leaseEpoch, outcome.epoch),
            eq(turns.status, "running"),
          ),
        )
        .returning({ id: turns.id });
      if (!fenced) return { kind: "fenced" };
      if (outcome.status === "completed") {
        // A cancel that won the race is never overwritten by a success.
        if (!(await publishTurnRequest(tx, outcome.turnId))) throw new RequestCancelledFirst();
      } else {
        await endTurnRequest(
          tx,
          outcome.turnId,
          outcome.status === "cancelled" ? "cancelled" : "completed",
        );
      }
      await consumeInputs(tx, outcome.turnId, outcome.consumeInputIds ?? []);
      await completeDeliveredOccurrences(tx, {
        inputIds: outcome.consumeInputIds ?? [],
        turnStatus: outcome.status,
        error: outcome.error?.message,
      });
      await applySystemContext(tx, outcome.turnId, outcome.applySystemContextIds ?? []);

      const systemChange = await syncSystemMessage(tx, outcome);
      const appended = outcome.newMessages.length + systemChange.inserted;
      const [session] = await tx
        .update(sessions)
        .set({
          messageCount: sql`${sessions.messageCount} + ${appended}`,
          inputTokens: sql`${sessions.inputTokens} + ${outcome.usage.inputTokens}`,
          outputTokens: sql`${sessions.outputTokens} + ${outcome.usage.outputTokens}`,
          cacheCreationTokens: sql`${sessions.cacheCreationTokens} + ${outcome.usage.cacheCreationTokens ?? 0}`,
          cacheReadTokens: sql`${sessions.cacheReadTokens} + ${outcome.usage.cacheReadTokens ?? 0}`,
          ...(outcome.lastAssistantText === null
            ? {}
            : { lastAssistantText: outcome.lastAssistantText }),
          updatedAt: sql`now()`,
        })
        .where(eq(sessions.id, outcome.sessionId))
        .returning({ messageCount: sessions.messageCount });
      if (!session) throw new Error(`session ${outcome.sessionId} missing while committing a turn`);

      if (outcome.newMessages.length > 0) {
        const base = session.messageCount - outcome.newMessages.length;
        await tx.insert(messages).values(
          outcome.newMessages.map((message, index) => ({
            sessionId: outcome.sessionId,
            seq: base + index,
            realmId: outcome.realmId,
            turnId: outcome.turnId,
            role: message.role,
            body: message,
          })),
        );
      }
      const envelopes = await appendEvents(tx, {
        sessionId: outcome.sessionId,
        realmId: outcome.realmId,
        turnId: outcome.turnId,
        events: outcome.events,
      });
      return { kind: "committed", envelopes: envelopes ?? [] };
    })
    .catch((error: unknown) => {
      if (error instanceof RequestCancelledFirst) return { kind: "request_cancelled" } as const;
      throw error;
    });
  return result;
}

/** Thrown inside the commit transaction to roll it back when the request was cancelled first. */
class RequestCancelledFirst extends Error {
  constructor() {
    super("the request of this turn was cancelled before it committed");
  }
}

/**
 * Keeps transcript message 0 in step with the session's system prompt: inserted before the
 * first turn's messages, replaced when a continue overrides it.
 */
async function syncSystemMessage(tx: DbOrTx, outcome: TurnOutcome): Promise<{ inserted: number }> {
  if (outcome.systemPrompt === undefined || outcome.systemPrompt === null) return { inserted: 0 };
  const body: TranscriptMessage = { role: "system", content: outcome.systemPrompt };
  const [first] = await tx
    .select({ role: messages.role, body: messages.body })
    .from(messages)
    .where(and(eq(messages.sessionId, outcome.sessionId), eq(messages.seq, 0)));
  if (first?.role === "system") {
    if ((first.body as { content?: string }).content !== outcome.systemPrompt) {
      await tx
        .update(messages)
        .set({ body })
        .where(and(eq(messages.sessionId, outcome.sessionId), eq(messages.seq, 0)));
    }
    return { inserted: 0 };
  }
  if (first) return { inserted: 0 }; // A transcript without a leading system message stays so.
  await tx.insert(messages).values({
    sessionId: outcome.sessionId,
    seq: 0,
    realmId: outcome.realmId,
    turnId: outcome.turnId,
    role: "system",
    body,
  });
  return { inserted: 1 };
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
