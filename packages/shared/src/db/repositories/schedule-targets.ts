import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../client.js";
import { messages } from "../schema/messages.js";
import { sessions } from "../schema/sessions.js";
import type { NewSessionRow } from "./sessions.js";

export interface ScheduleState {
  phase: string;
  revision: number;
  target: Record<string, unknown>;
}

/** What delivery needs to know about a schedule now (phase, revision, bound target). */
export async function readScheduleState(
  db: DbOrTx,
  scheduleId: string,
): Promise<ScheduleState | undefined> {
  const result = await db.execute<{
    phase: string;
    revision: number;
    target: Record<string, unknown>;
  }>(sql`
    select phase, revision, target from schedules where id = ${scheduleId}
  `);
  const row = result.rows[0];
  return row ? { phase: row.phase, revision: row.revision, target: row.target } : undefined;
}

/**
 * The session of a materialize_on_demand target: the bound one, or a new one created from the
 * spec and bound into the schedule's target and every pending occurrence, so later fires reuse
 * it. The schedule row is locked, so two replicas never materialise twice.
 */
export async function materializeScheduleSession(
  db: Db,
  params: { scheduleId: string; build: () => NewSessionRow },
): Promise<{ sessionId: string; created: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const locked = await tx.execute<{ target: Record<string, unknown> }>(sql`
      select target from schedules where id = ${params.scheduleId} for update
    `);
    const target = locked.rows[0]?.target;
    if (!target) return undefined;
    const bound = target["bound_session_id"];
    if (typeof bound === "string" && bound !== "") return { sessionId: bound, created: false };
    const row = params.build();
    const systemPrompt = row.settings.system_prompt;
    const hasSystem = typeof systemPrompt === "string" && systemPrompt !== "";
    await tx.insert(sessions).values({ ...row, messageCount: hasSystem ? 1 : 0 });
    if (hasSystem) {
      await tx.insert(messages).values({
        sessionId: row.id,
        seq: 0,
        realmId: row.realmId,
        role: "system",
        body: { role: "system", content: systemPrompt },
      });
    }
    await tx.execute(sql`
      update schedules set target = jsonb_set(target, '{bound_session_id}', to_jsonb(${row.id}::text))
      where id = ${params.scheduleId}
    `);
    await tx.execute(sql`
      update schedule_occurrences
      set target_snapshot = jsonb_set(target_snapshot, '{bound_session_id}', to_jsonb(${row.id}::text))
      where schedule_id = ${params.scheduleId} and phase in ('pending', 'claimed')
    `);
    return { sessionId: row.id, created: true };
  });
}
