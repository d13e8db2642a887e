import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import { requests } from "../schema/requests.js";

const UNIQUE_VIOLATION = "23505";

export type RequestRow = typeof requests.$inferSelect;

/**
 * Registers an in-flight request id; "duplicate" when the same id is already in flight in the
 * realm (any replica).
 */
export async function registerRequest(
  db: DbOrTx,
  params: { id: string; realmId: string; requestId: string; kind: string },
): Promise<"registered" | "duplicate"> {
  try {
    await db.insert(requests).values(params);
    return "registered";
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if ((cause as { code?: string }).code === UNIQUE_VIOLATION) return "duplicate";
    throw error;
  }
}

export async function attachRequest(
  db: DbOrTx,
  id: string,
  target: { sessionId: string; turnId: string },
): Promise<void> {
  await db.update(requests).set(target).where(eq(requests.id, id));
}

/** Ends a still-pending request (completed without publishing, or after it answered). */
export async function finishRequest(
  db: DbOrTx,
  id: string,
  state: "published" | "completed",
): Promise<void> {
  await db
    .update(requests)
    .set({ state, finishedAt: sql`now()` })
    .where(and(eq(requests.id, id), eq(requests.state, "pending")));
}

export async function findRequest(db: DbOrTx, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row;
}

export type CancelOutcome =
  | { outcome: "cancelled"; row: RequestRow }
  | { outcome: "already_terminal"; row: RequestRow }
  | { outcome: "not_found" };

/**
 * Cancels the newest request with this id when it is still pending (idempotent: an already
 * cancelled one reports cancelled again). A published or completed one is never rewritten.
 */
export async function cancelRequest(
  db: DbOrTx,
  realmId: string,
  requestId: string,
): Promise<CancelOutcome> {
  const [cancelled] = await db
    .update(requests)
    .set({ state: "cancelled", finishedAt: sql`now()` })
    .where(
      and(
        eq(requests.realmId, realmId),
        eq(requests.requestId, requestId),
        eq(requests.state, "pending"),
      ),
    )
    .returning();
  if (cancelled) return { outcome: "cancelled", row: cancelled };
  const [latest] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.realmId, realmId), eq(requests.requestId, requestId)))
    .orderBy(desc(requests.createdAt))
    .limit(1);
  if (!latest) return { outcome: "not_found" };
  return latest.state === "cancelled"
    ? { outcome: "cancelled", row: latest }
    : { outcome: "already_terminal", row: latest };
}

/**
 * In a turn's commit: publishes the request that submitted the turn. False when that request
 * was cancelled first; the turn must then end cancelled instead of committing its result.
 */
export async function publishTurnRequest(db: DbOrTx, turnId: string): Promise<boolean> {
  const result = await db.execute<{ state: string; cancelled: boolean }>(sql`
    with published as (
      update requests set state = 'published', finished_at = now()
      where turn_id = ${turnId} and state = 'pending'
      returning id
    )
    select exists (select 1 from requests where turn_id = ${turnId} and state = 'cancelled') as cancelled
  `);
  return !result.rows[0]?.cancelled;
}

/** In a turn's commit: a turn that ended without success ends its request too. */
export async function endTurnRequest(
  db: DbOrTx,
  turnId: string,
  state: "completed" | "cancelled",
): Promise<void> {
  await db
    .update(requests)
    .set({ state, finishedAt: sql`now()` })
    .where(and(eq(requests.turnId, turnId), eq(requests.state, "pending")));
}
