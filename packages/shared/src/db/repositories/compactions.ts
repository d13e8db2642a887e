import { desc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../client.js";
import { sessionCompactions } from "../schema/session-compactions.js";
import { leaseHeld, type TurnFence } from "./fence.js";

export type CompactionRow = typeof sessionCompactions.$inferSelect;

/** The newest compaction of a session (the one the model's history starts from), if any. */
export async function latestCompaction(
  db: DbOrTx,
  sessionId: string,
): Promise<CompactionRow | undefined> {
  const [row] = await db
    .select()
    .from(sessionCompactions)
    .where(eq(sessionCompactions.sessionId, sessionId))
    .orderBy(desc(sessionCompactions.createdAt), desc(sessionCompactions.id))
    .limit(1);
  return row;
}

/** Transcript text that a compaction summarised away, made searchable in `memories`. */
export interface CompactedMemory {
  content: string;
  /** The session's 0-based turn (user message count) the text came from. */
  turn: number | null;
}

export interface NewCompaction {
  id: string;
  sessionId: string;
  realmId: string;
  throughSeq: number;
  summary: string;
  summaryTokens: number;
  memories: readonly (CompactedMemory & { id: string })[];
}

/**
 * Stores a compaction and indexes its discarded text (memories with source "compaction"), in one
 * transaction and only while the turn's lease holds: an attempt that lost its turn writes nothing.
 * Returns false when the fence no longer holds.
 */
export async function saveCompaction(
  db: Db,
  fence: TurnFence,
  compaction: NewCompaction,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx.execute(sql`
      insert into session_compactions (id, session_id, realm_id, through_seq, summary, summary_tokens)
      select ${compaction.id}, ${compaction.sessionId}, ${compaction.realmId}, ${compaction.throughSeq},
             ${compaction.summary}, ${compaction.summaryTokens}
      where exists (select 1 from turns where ${leaseHeld(fence)})
      returning id
    `);
    if (inserted.rows.length !== 1) return false;
    for (const memory of compaction.memories) {
      await tx.execute(sql`
        insert into memories (id, realm_id, session_id, turn, source, content)
        values (${memory.id}, ${compaction.realmId}, ${compaction.sessionId}, ${memory.turn},
                'compaction', ${memory.content})
      `);
    }
    return true;
  });
}
