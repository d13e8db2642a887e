import { claimTurnWithContext, findTurn, type Db } from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import type { QueuePayload } from "@meerkat/shared/queues";
import { runClaimedTurn, type TurnRunnerDeps } from "../agent/run-turn.js";

export interface AgentTurnJobDeps extends TurnRunnerDeps {
  db: Db;
  /** The relaxed-durability handle (DbHandle.relaxed): the claim is acknowledged to no one. */
  relaxedDb: Db;
  logger: Logger;
  workerId: string;
}

/**
 * Claims the turn and runs it. A delivery that cannot claim (the turn ended, or another worker
 * holds a live lease) is a duplicate and is acknowledged without any write; if that other
 * worker dies, its lease lapses and the sweeper enqueues the turn again.
 */
export async function processAgentTurn(
  payload: QueuePayload<"agent-turn">,
  deps: AgentTurnJobDeps,
): Promise<"ran" | "duplicate"> {
  const claimed = await claimTurnWithContext(deps.relaxedDb, {
    turnId: payload.turnId,
    // Unique per claim: the token is part of every later write's fence.
    owner: `${deps.workerId}#${newId()}`,
    leaseMs: deps.settings.leaseMs,
  });
  if (!claimed) {
    const existing = await findTurn(deps.db, payload.turnId);
    deps.logger.debug(
      { turnId: payload.turnId, status: existing?.status ?? "missing" },
      "turn delivery not claimable; acknowledged",
    );
    return "duplicate";
  }
  await runClaimedTurn(claimed, deps);
  return "ran";
}
