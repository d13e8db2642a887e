import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../client.js";
import type { sessionCompactions } from "../schema/session-compactions.js";
import { executePrepared } from "../prepared.js";
import { leaseHeld, type TurnFence } from "./fence.js";
import type { StoredMessage } from "./sessions.js";

export type CompactionRow = typeof sessionCompactions.$inferSelect;

/** What a run's history is built from: the committed transcript and the newest compaction. */
export interface RunHistory {
  /** Oldest first, with seqs and timestamps. */
  transcript: StoredMessage[];
  latestCompaction: CompactionRow | undefined;
}

/**
 * The transcript of a session and its newest compaction, in one round trip (this is on the path
 * of every turn after a session's first).
 */
export async function loadRunHistory(db: DbOrTx, sessionId: string): Promise<RunHistory> {
  const result = await executePrepared<{
    messages: { seq: number; body: StoredMessage["body"]; created_at: string }[];
    compaction: {
      id: string;
      session_id: string;
      realm_id: string;
      through_seq: number;
      summary: string;
      summary_tokens: number;
      created_at: string;
    } | null;
  }>(
    db,
    sql`
    select
      (select coalesce(
                json_agg(json_build_object('seq', m.seq, 'body', m.body, 'created_at', m.created_at)
                         order by m.seq),
                '[]')
         from messages m where m.session_id = ${sessionId}) as messages,
      (select to_json(c) from session_compactions c where c.session_id = ${sessionId}
        order by c.created_at desc, c.id desc limit 1) as compaction
  `,
  );
  const row = result.rows[0];
  const compaction = row?.compaction ?? null;
  return {
    transcript: (row?.messages ?? []).map((message) => ({
      seq: message.seq,
      body: message.body,
      createdAt: new Date(message.created_at),
    })),
    latestCompaction: compaction
      ? {
          id: compaction.id,
          sessionId: compaction.session_id,
          realmId: compaction.realm_id,
          throughSeq: compaction.through_seq,
          summary: compaction.summary,
          summaryTokens: compaction.summary_tokens,
          createdAt: new Date(compaction.created_at),
        }
      : undefined,
  };
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
