import { and, asc, desc, eq, gte, isNull, sql } from "drizzle-orm";
import type { SessionSettings } from "../../domain/settings.js";
import type { TranscriptMessage } from "../../domain/messages.js";
import type { TurnInput, TurnKind } from "../../domain/turns.js";
import type { Db, DbOrTx } from "../client.js";
import { executePrepared } from "../prepared.js";
import { messages } from "../schema/messages.js";
import { sessions } from "../schema/sessions.js";

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;

const UNIQUE_VIOLATION = "23505";
const ACTIVE_TURN_INDEX = "turns_session_id_active_key";

/** True when `error` is the one-active-turn-per-session constraint firing. */
export function isActiveTurnConflict(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const pgError = cause as { code?: string; constraint?: string };
  return pgError.code === UNIQUE_VIOLATION && pgError.constraint === ACTIVE_TURN_INDEX;
}

export interface NewTurnParams {
  id: string;
  kind: TurnKind;
  input: TurnInput;
  requestId?: string | null | undefined;
}

/**
 * Inserts a session and its first (queued) turn atomically, in one statement (one round trip:
 * this is on every create's path).
 */
export async function createSessionWithTurn(
  db: DbOrTx,
  session: NewSessionRow,
  turn: NewTurnParams,
): Promise<void> {
  // The system prompt is the transcript's first message from the start (history shows it).
  const systemPrompt = session.settings.system_prompt;
  const system =
    typeof systemPrompt === "string" && systemPrompt !== ""
      ? JSON.stringify({ role: "system", content: systemPrompt })
      : null;
  await executePrepared(
    db,
    sql`
    with created as (
      insert into sessions (id, realm_id, instance_id, model, provider, settings, labels, message_count)
      values (${session.id}, ${session.realmId}, ${session.instanceId ?? null}, ${session.model},
              ${session.provider}, ${JSON.stringify(session.settings)}::jsonb,
              ${JSON.stringify(session.labels ?? {})}::jsonb, ${system === null ? 0 : 1})
      returning id, realm_id
    ),
    system_message as (
      insert into messages (session_id, seq, realm_id, turn_id, role, body)
      select created.id, 0, created.realm_id, ${turn.id}, 'system', ${system}::jsonb
      from created where ${system}::jsonb is not null
      returning 1
    )
    insert into turns (id, realm_id, session_id, kind, status, input, request_id)
    select ${turn.id}, created.realm_id, created.id, ${turn.kind}, 'queued',
           ${JSON.stringify(turn.input)}::jsonb, ${turn.requestId ?? null}
    from created
  `,
  );
}

export type ContinueOutcome = "queued" | "not_found" | "busy";

export interface ContinueParams {
  realmId: string;
  sessionId: string;
  turn: NewTurnParams;
  /** Settings overrides to persist (merged into the stored settings). */
  settingsPatch?: Partial<SessionSettings> | undefined;
  model?: string | undefined;
  provider?: string | undefined;
}

/**
 * Queues a turn on an existing, non-archived session and persists any setting overrides, in one
 * transaction. The partial unique index makes a second active turn impossible: `busy` comes from
 * the database, across every API replica.
 */
export async function queueContinueTurn(db: Db, params: ContinueParams): Promise<ContinueOutcome> {
  try {
    return await db.transaction(async (tx) => {
      const inserted = await tx.execute<{ id: string }>(sql`
        insert into turns (id, realm_id, session_id, kind, status, input, request_id)
        select ${params.turn.id}, s.realm_id, s.id, ${params.turn.kind}, 'queued',
               ${JSON.stringify(params.turn.input)}::jsonb, ${params.turn.requestId ?? null}
        from sessions s
        where s.id = ${params.sessionId} and s.realm_id = ${params.realmId} and s.archived_at is null
        returning id
      `);
      if (inserted.rows.length === 0) return "not_found";
      const patch = params.settingsPatch ?? {};
      const systemPrompt = patch.system_prompt;
      if (typeof systemPrompt === "string" && systemPrompt !== "") {
        // An override replaces the transcript's leading system message (when it has one).
        await tx.execute(sql`
          update messages set body = ${JSON.stringify({ role: "system", content: systemPrompt })}::jsonb
          where session_id = ${params.sessionId} and seq = 0 and role = 'system'
        `);
      }
      if (Object.keys(patch).length > 0 || params.model || params.provider) {
        await tx
          .update(sessions)
          .set({
            settings: sql`${sessions.settings} || ${JSON.stringify(patch)}::jsonb`,
            ...(params.model ? { model: params.model } : {}),
            ...(params.provider ? { provider: params.provider } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(sessions.id, params.sessionId));
      }
      return "queued";
    });
  } catch (error) {
    if (isActiveTurnConflict(error)) return "busy";
    throw error;
  }
}

export async function findSession(
  db: DbOrTx,
  realmId: string,
  sessionId: string,
  options: { includeArchived?: boolean } = {},
): Promise<SessionRow | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.id, sessionId),
        eq(sessions.realmId, realmId),
        options.includeArchived ? undefined : isNull(sessions.archivedAt),
      ),
    );
  return row;
}

/** A session by id in any realm (workers serve every realm). */
export async function getSessionById(
  db: DbOrTx,
  sessionId: string,
): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
  return row;
}

/** The whole committed transcript, oldest first. */
export async function loadTranscript(db: DbOrTx, sessionId: string): Promise<TranscriptMessage[]> {
  const rows = await db
    .select({ body: messages.body })
    .from(messages)
    .where(eq(messages.sessionId, sessionId))
    .orderBy(asc(messages.seq));
  return rows.map((row) => row.body);
}

export interface SessionListEntry extends SessionRow {
  isActive: boolean;
}

/**
 * Live sessions of a realm, most recently updated first; every label pair must match exactly
 * (`labels @> {...}` uses the GIN index).
 */
export async function listSessions(
  db: DbOrTx,
  params: { realmId: string; labels: Record<string, string>; limit: number; offset: number },
): Promise<SessionListEntry[]> {
  const active = sql<boolean>`exists (
    select 1 from turns t where t.session_id = ${sessions.id} and t.status in ('queued', 'running')
  )`;
  const rows = await db
    .select({ session: sessions, isActive: active })
    .from(sessions)
    .where(
      and(
        eq(sessions.realmId, params.realmId),
        isNull(sessions.archivedAt),
        Object.keys(params.labels).length > 0
          ? sql`${sessions.labels} @> ${JSON.stringify(params.labels)}::jsonb`
          : undefined,
      ),
    )
    .orderBy(desc(sessions.updatedAt), asc(sessions.id))
    .limit(params.limit)
    .offset(params.offset);
  return rows.map((row) => ({ ...row.session, isActive: row.isActive }));
}

export interface StoredMessage {
  seq: number;
  body: TranscriptMessage;
  createdAt: Date;
}

/** A page of the committed transcript, oldest first. */
export async function listMessages(
  db: DbOrTx,
  sessionId: string,
  offset: number,
  limit: number | undefined,
): Promise<StoredMessage[]> {
  const query = db
    .select({ seq: messages.seq, body: messages.body, createdAt: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.sessionId, sessionId), gte(messages.seq, offset)))
    .orderBy(asc(messages.seq));
  return limit === undefined ? query : query.limit(limit);
}

/** Archives a live session; returns false when it is unknown or already archived. */
export async function archiveSession(
  db: DbOrTx,
  realmId: string,
  sessionId: string,
): Promise<boolean> {
  const [row] = await db
    .update(sessions)
    .set({ archivedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(eq(sessions.id, sessionId), eq(sessions.realmId, realmId), isNull(sessions.archivedAt)),
    )
    .returning({ id: sessions.id });
  return row !== undefined;
}

/** Live sessions of a realm that take part in comms (they have a comms name), by name. */
export async function listCommsSessions(db: DbOrTx, realmId: string): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.realmId, realmId),
        isNull(sessions.archivedAt),
        sql`${sessions.settings}->>'comms_name' is not null`,
      ),
    )
    .orderBy(asc(sessions.createdAt));
}

/** The live session of a realm with this comms name (the newest, should several share it). */
export async function findSessionByCommsName(
  db: DbOrTx,
  realmId: string,
  name: string,
): Promise<SessionRow | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.realmId, realmId),
        isNull(sessions.archivedAt),
        sql`${sessions.settings}->>'comms_name' = ${name}`,
      ),
    )
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return row;
}
