import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../client.js";
import { sessionInputs, sessionSystemContext, type InputNotice } from "../schema/session-inputs.js";

export type InputRow = typeof sessionInputs.$inferSelect;

export interface AdmitInputParams {
  id: string;
  realmId: string;
  sessionId: string;
  kind: string;
  source: string;
  handlingMode: "queue" | "steer";
  idempotencyKey?: string | null | undefined;
  notice: InputNotice;
  /** The session's inbox bound (pending inputs). */
  capacity: number;
}

export type AdmitOutcome = "admitted" | "duplicate" | "full" | "not_found";

/**
 * Puts an input in a live session's inbox, durably. The session row is locked so the capacity
 * check and the insert are atomic; a repeated idempotency key is a duplicate (acknowledged, not
 * queued twice).
 */
export async function admitInput(db: Db, params: AdmitInputParams): Promise<AdmitOutcome> {
  return db.transaction(async (tx) => {
    const session = await tx.execute(sql`
      select id from sessions
      where id = ${params.sessionId} and realm_id = ${params.realmId} and archived_at is null
      for update
    `);
    if (session.rows.length === 0) return "not_found";
    if (params.idempotencyKey) {
      const existing = await tx
        .select({ id: sessionInputs.id })
        .from(sessionInputs)
        .where(
          and(
            eq(sessionInputs.sessionId, params.sessionId),
            eq(sessionInputs.idempotencyKey, params.idempotencyKey),
          ),
        );
      if (existing.length > 0) return "duplicate";
    }
    const pending = await tx.execute<{ n: string | number }>(sql`
      select count(*) as n from session_inputs where session_id = ${params.sessionId} and status = 'pending'
    `);
    if (Number(pending.rows[0]?.n ?? 0) >= params.capacity) return "full";
    await tx.insert(sessionInputs).values({
      id: params.id,
      realmId: params.realmId,
      sessionId: params.sessionId,
      kind: params.kind,
      source: params.source,
      handlingMode: params.handlingMode,
      idempotencyKey: params.idempotencyKey ?? null,
      notice: params.notice,
    });
    return "admitted";
  });
}

/**
 * Starts an inbox turn when the session is idle and has pending inputs; returns its id, or
 * undefined when a turn is already active (it, or the next one, will take the inputs) or the
 * inbox is empty. The one-active-turn index makes concurrent wakes safe.
 */
export async function wakeSession(
  db: DbOrTx,
  params: { sessionId: string; turnId: string; respectRealmConfig?: boolean },
): Promise<string | undefined> {
  // The realm's `inbox.wake_on_event` (default true) can turn waking off.
  const configAllows = params.respectRealmConfig
    ? sql`and coalesce((select (r.config->'inbox'->>'wake_on_event')::boolean from realms r where r.id = s.realm_id), true)`
    : sql``;
  // A session with an active turn is left as it is (that turn, or the next wake, takes the
  // inputs): the conflict with the one-active-turn index inserts nothing.
  const result = await db.execute<{ id: string }>(sql`
    insert into turns (id, realm_id, session_id, kind, status, input)
    select ${params.turnId}, s.realm_id, s.id, 'inbox', 'queued', '{}'::jsonb
    from sessions s
    where s.id = ${params.sessionId} and s.archived_at is null
      and exists (select 1 from session_inputs i where i.session_id = s.id and i.status = 'pending')
      ${configAllows}
    on conflict (session_id) where status in ('queued', 'running') do nothing
    returning id
  `);
  return result.rows[0]?.id;
}

/** Pending inputs of a session, oldest first (optionally only one handling mode). */
export async function listPendingInputs(
  db: DbOrTx,
  sessionId: string,
  handlingMode?: "queue" | "steer",
): Promise<InputRow[]> {
  return db
    .select()
    .from(sessionInputs)
    .where(
      and(
        eq(sessionInputs.sessionId, sessionId),
        eq(sessionInputs.status, "pending"),
        handlingMode ? eq(sessionInputs.handlingMode, handlingMode) : undefined,
      ),
    )
    .orderBy(asc(sessionInputs.createdAt), asc(sessionInputs.id));
}

export async function countPendingInputs(db: DbOrTx, sessionId: string): Promise<number> {
  const result = await db.execute<{ n: string | number }>(sql`
    select count(*) as n from session_inputs where session_id = ${sessionId} and status = 'pending'
  `);
  return Number(result.rows[0]?.n ?? 0);
}

export type StageOutcome = "staged" | "duplicate" | "conflict" | "not_found";

/**
 * Stages runtime system context. A reused idempotency key with the same text and source is a
 * duplicate; with different ones, a conflict (409).
 */
export async function stageSystemContext(
  db: Db,
  params: {
    id: string;
    realmId: string;
    sessionId: string;
    text: string;
    source?: string | null | undefined;
    idempotencyKey?: string | null | undefined;
  },
): Promise<{ outcome: StageOutcome; status?: "staged" | "applied" }> {
  return db.transaction(async (tx) => {
    const session = await tx.execute(sql`
      select id from sessions
      where id = ${params.sessionId} and realm_id = ${params.realmId} and archived_at is null
      for update
    `);
    if (session.rows.length === 0) return { outcome: "not_found" };
    if (params.idempotencyKey) {
      const [existing] = await tx
        .select()
        .from(sessionSystemContext)
        .where(
          and(
            eq(sessionSystemContext.sessionId, params.sessionId),
            eq(sessionSystemContext.idempotencyKey, params.idempotencyKey),
          ),
        );
      if (existing) {
        const same =
          existing.text === params.text && (existing.source ?? null) === (params.source ?? null);
        return same
          ? { outcome: "duplicate", status: existing.status as "staged" | "applied" }
          : { outcome: "conflict" };
      }
    }
    await tx.insert(sessionSystemContext).values({
      id: params.id,
      realmId: params.realmId,
      sessionId: params.sessionId,
      text: params.text,
      source: params.source ?? null,
      idempotencyKey: params.idempotencyKey ?? null,
    });
    return { outcome: "staged", status: "staged" };
  });
}

export type SystemContextRow = typeof sessionSystemContext.$inferSelect;

/** Every system context of a session: applied ones stay part of the prompt, staged ones join it. */
export async function listSystemContext(
  db: DbOrTx,
  sessionId: string,
): Promise<SystemContextRow[]> {
  return db
    .select()
    .from(sessionSystemContext)
    .where(eq(sessionSystemContext.sessionId, sessionId))
    .orderBy(asc(sessionSystemContext.createdAt), asc(sessionSystemContext.id));
}

/** Sessions with inputs pending for longer than `graceMs` and no active turn (a lost wake). */
export async function findUnwokenSessions(
  db: DbOrTx,
  params: { graceMs: number; limit: number },
): Promise<string[]> {
  const result = await db.execute<{ session_id: string }>(sql`
    select distinct i.session_id from session_inputs i
    where i.status = 'pending'
      and i.created_at < now() - make_interval(secs => ${params.graceMs / 1000})
      and not exists (
        select 1 from turns t where t.session_id = i.session_id and t.status in ('queued', 'running')
      )
    limit ${params.limit}
  `);
  return result.rows.map((row) => row.session_id);
}

/** The interaction id of a peer request this session received, by the request's id. */
export async function findPeerRequestInteraction(
  db: DbOrTx,
  sessionId: string,
  requestId: string,
): Promise<string | undefined> {
  const result = await db.execute<{ interaction_id: string | null }>(sql`
    select notice->'blocks'->0->>'interaction_id' as interaction_id from session_inputs
    where session_id = ${sessionId} and kind = 'comms'
      and notice->'blocks'->0->>'kind' = 'peer_request'
      and notice->'blocks'->0->>'request_id' = ${requestId}
    limit 1
  `);
  return result.rows[0]?.interaction_id ?? undefined;
}

/**
 * Everything a starting turn takes from outside in one round trip: the pending inbox (oldest
 * first) and the session's system context. Both are empty for most turns.
 */
export async function loadRunInbox(
  db: DbOrTx,
  sessionId: string,
): Promise<{ inputs: InputRow[]; contexts: SystemContextRow[] }> {
  const result = await db.execute<{ inputs: unknown[] | null; contexts: unknown[] | null }>(sql`
    select
      (select json_agg(i order by i.created_at, i.id) from session_inputs i
        where i.session_id = ${sessionId} and i.status = 'pending') as inputs,
      (select json_agg(c order by c.created_at, c.id) from session_system_context c
        where c.session_id = ${sessionId}) as contexts
  `);
  const row = result.rows[0];
  const inputs = (row?.inputs ?? []) as Record<string, unknown>[];
  const contexts = (row?.contexts ?? []) as Record<string, unknown>[];
  return {
    inputs: inputs.map((raw) => ({
      id: String(raw["id"]),
      realmId: String(raw["realm_id"]),
      sessionId: String(raw["session_id"]),
      kind: String(raw["kind"]),
      source: String(raw["source"]),
      handlingMode: String(raw["handling_mode"]),
      idempotencyKey: (raw["idempotency_key"] as string | null) ?? null,
      notice: raw["notice"] as InputNotice,
      status: String(raw["status"]),
      turnId: (raw["turn_id"] as string | null) ?? null,
      occurrenceId: (raw["occurrence_id"] as string | null) ?? null,
      createdAt: new Date(String(raw["created_at"])),
      consumedAt: typeof raw["consumed_at"] === "string" ? new Date(raw["consumed_at"]) : null,
    })),
    contexts: contexts.map((raw) => ({
      id: String(raw["id"]),
      realmId: String(raw["realm_id"]),
      sessionId: String(raw["session_id"]),
      idempotencyKey: (raw["idempotency_key"] as string | null) ?? null,
      text: String(raw["text"]),
      source: (raw["source"] as string | null) ?? null,
      status: String(raw["status"]),
      appliedTurnId: (raw["applied_turn_id"] as string | null) ?? null,
      createdAt: new Date(String(raw["created_at"])),
      appliedAt: typeof raw["applied_at"] === "string" ? new Date(raw["applied_at"]) : null,
    })),
  };
}
