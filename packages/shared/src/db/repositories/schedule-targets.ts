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

export interface DeliveryProbe {
  /** Undefined when the schedule row is gone. */
  schedule: ScheduleState | undefined;
  /**
   * The target session: `missing` (unknown or archived), `busy` (a turn is queued or running)
   * or `idle`; `unbound` when there is no session id yet (a first materialisation).
   */
  session: "missing" | "busy" | "idle" | "unbound";
}

/**
 * One round trip for everything delivery checks before it acts: the schedule's phase, revision
 * and target, and the state of the session the delivery would go to (`sessionId`, else the
 * session the schedule's target is bound to).
 */
export async function probeDelivery(
  db: DbOrTx,
  params: { scheduleId: string; realmId: string; sessionId: string | undefined },
): Promise<DeliveryProbe> {
  // The session is a scalar subquery on its primary key alone (a join, or a realm condition,
  // lets a planner with stale statistics scan every session of the realm instead).
  const result = await db.execute<{
    phase: string;
    revision: number;
    target: Record<string, unknown>;
    session_key: string | null;
    session_state: "busy" | "idle" | null;
  }>(sql`
    select s.phase, s.revision, s.target, k.session_key,
           (select case
                     when sess.realm_id <> ${params.realmId} or sess.archived_at is not null
                       then null
                     when exists (
                       select 1 from turns tu
                       where tu.session_id = sess.id and tu.status in ('queued', 'running'))
                       then 'busy'
                     else 'idle' end
              from sessions sess where sess.id = k.session_uuid) as session_state
    from schedules s
    cross join lateral (
      select key as session_key,
             case when key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                  then key::uuid end as session_uuid
      from (select coalesce(${params.sessionId ?? null}::text,
                            nullif(s.target->>'bound_session_id', '')) as key) keys
    ) k
    where s.id = ${params.scheduleId}
  `);
  const row = result.rows[0];
  if (!row) return { schedule: undefined, session: params.sessionId ? "missing" : "unbound" };
  const schedule = { phase: row.phase, revision: row.revision, target: row.target };
  if (row.session_key === null) return { schedule, session: "unbound" };
  return { schedule, session: row.session_state ?? "missing" };
}

/**
 * The session of a materialize_on_demand target: the bound one, or a new one created from the
 * spec and bound into the schedule's target, so later fires reuse it (a delivery reads the
 * binding from the schedule, and records it in the occurrence it delivers; occurrences not yet
 * delivered show it when read). The schedule row is locked, so two replicas never materialise
 * twice.
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
    return { sessionId: row.id, created: true };
  });
}
