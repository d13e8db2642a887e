import { and, asc, eq, sql } from "drizzle-orm";
import type { Usage } from "../../domain/usage.js";
import type { DbOrTx } from "../client.js";
import { turnSteps, turnToolCalls, type StepAssistant } from "../schema/turn-steps.js";
import { leaseHeld, type TurnFence } from "./fence.js";

const fenceHolds = (fence: TurnFence) =>
  sql`exists (select 1 from turns where ${leaseHeld(fence)})`;

/** Records a completed model call of a running turn; false when the fence no longer holds. */
export async function saveTurnStep(
  db: DbOrTx,
  fence: TurnFence,
  step: { step: number; realmId: string; assistant: StepAssistant; usage: Usage },
): Promise<boolean> {
  const result = await db.execute(sql`
    insert into turn_steps (turn_id, step, realm_id, epoch, assistant, usage)
    select ${fence.turnId}, ${step.step}, ${step.realmId}, ${fence.epoch},
           ${JSON.stringify(step.assistant)}::jsonb, ${JSON.stringify(step.usage)}::jsonb
    where ${fenceHolds(fence)}
    on conflict (turn_id, step) do update set assistant = excluded.assistant, usage = excluded.usage,
      epoch = excluded.epoch
    returning step
  `);
  return result.rows.length === 1;
}

export interface ToolCallRecord {
  callId: string;
  step: number;
  name: string;
  args: Record<string, unknown>;
  content: string;
  isError: boolean;
  durationMs: number;
}

/**
 * Records a tool call's result as soon as it finishes, so a re-run never executes it twice.
 * The first record wins; false when the fence no longer holds.
 */
export async function saveToolCallResult(
  db: DbOrTx,
  fence: TurnFence & { realmId: string },
  record: ToolCallRecord,
): Promise<boolean> {
  const result = await db.execute(sql`
    insert into turn_tool_calls (turn_id, call_id, step, realm_id, name, args, content, is_error, duration_ms)
    select ${fence.turnId}, ${record.callId}, ${record.step}, ${fence.realmId}, ${record.name},
           ${JSON.stringify(record.args)}::jsonb, ${record.content}, ${record.isError}, ${record.durationMs}
    where ${fenceHolds(fence)}
    on conflict (turn_id, call_id) do nothing
    returning call_id
  `);
  if (result.rows.length === 1) return true;
  // Already recorded (a concurrent duplicate) still counts as held when the fence holds.
  const held = await db.execute(sql`select 1 where ${fenceHolds(fence)}`);
  return held.rows.length === 1;
}

export interface TurnCheckpoint {
  steps: { step: number; assistant: StepAssistant; usage: Usage }[];
  toolCalls: Map<string, ToolCallRecord>;
}

/** What earlier attempts of a turn completed (empty for a first attempt). */
export async function loadTurnCheckpoint(db: DbOrTx, turnId: string): Promise<TurnCheckpoint> {
  const steps = await db
    .select({ step: turnSteps.step, assistant: turnSteps.assistant, usage: turnSteps.usage })
    .from(turnSteps)
    .where(eq(turnSteps.turnId, turnId))
    .orderBy(asc(turnSteps.step));
  const calls = await db
    .select()
    .from(turnToolCalls)
    .where(and(eq(turnToolCalls.turnId, turnId)));
  return {
    steps,
    toolCalls: new Map(
      calls.map((call) => [
        call.callId,
        {
          callId: call.callId,
          step: call.step,
          name: call.name,
          args: call.args,
          content: call.content,
          isError: call.isError,
          durationMs: call.durationMs,
        },
      ]),
    ),
  };
}
