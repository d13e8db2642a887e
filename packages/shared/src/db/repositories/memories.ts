import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import { memories } from "../schema/memories.js";

export type MemoryRow = typeof memories.$inferSelect;

export interface NewMemory {
  id: string;
  realmId: string;
  sessionId: string | null;
  /** The turn the memory came from; its 0-based position in the session is stored. */
  turnId: string | null;
  /** Who wrote it: `agent` (memory_save), `compaction`, … */
  source: string;
  content: string;
  tags: readonly string[];
}

/**
 * Stores a memory; an id that already exists is left as it is (a re-run of the same tool call).
 * `turn` is derived in the same statement as the number of earlier turns of
 * the session, so callers need not know it.
 */
export async function insertMemory(db: DbOrTx, memory: NewMemory): Promise<void> {
  const turn = memory.turnId
    ? sql`(select count(*)::int from turns t
           where t.session_id = ${memory.sessionId}
             and t.created_at < (select created_at from turns where id = ${memory.turnId}))`
    : sql`null`;
  await db.execute(sql`
    insert into ${memories} (id, realm_id, session_id, turn, source, content, tags)
    values (${memory.id}, ${memory.realmId}, ${memory.sessionId}, ${turn}, ${memory.source},
            ${memory.content}, ${JSON.stringify(memory.tags)}::jsonb)
    on conflict (id) do nothing
  `);
}

export interface MemoryHit {
  content: string;
  score: number;
  sessionId: string | null;
  turn: number | null;
  tags: string[];
  source: string;
}

/**
 * Full-text search over a realm's memories, best first (`ts_rank`). The query uses web-search
 * syntax, which requires every term; when that finds nothing the terms are retried as
 * alternatives, so a model's loosely worded question still finds the closest facts.
 */
export async function searchMemories(
  db: DbOrTx,
  params: { realmId: string; query: string; limit: number },
): Promise<MemoryHit[]> {
  const strict = await rankedSearch(
    db,
    params,
    sql`websearch_to_tsquery('english', ${params.query})`,
  );
  if (strict.length > 0) return strict;
  const anyTerm = sql`nullif(replace(plainto_tsquery('english', ${params.query})::text, ' & ', ' | '), '')::tsquery`;
  return rankedSearch(db, params, anyTerm);
}

async function rankedSearch(
  db: DbOrTx,
  params: { realmId: string; limit: number },
  tsquery: SQL,
): Promise<MemoryHit[]> {
  const result = await db.execute<{
    content: string;
    score: number;
    session_id: string | null;
    turn: number | null;
    tags: string[];
    source: string;
  }>(sql`
    select m.content, ts_rank(m.search, q.query)::float8 as score, m.session_id, m.turn, m.tags,
           m.source
    from ${memories} m, (select ${tsquery} as query) q
    where m.realm_id = ${params.realmId} and q.query is not null and m.search @@ q.query
    order by score desc, m.created_at desc
    limit ${params.limit}
  `);
  return result.rows.map((row) => ({
    content: row.content,
    score: row.score,
    sessionId: row.session_id,
    turn: row.turn,
    tags: row.tags,
    source: row.source,
  }));
}
