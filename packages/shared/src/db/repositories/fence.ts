import { sql, type SQL } from "drizzle-orm";
import type { TurnRow } from "./turns.js";

/**
 * What one attempt of a turn writes under: the turn, the epoch its claim set, and the claim's
 * owner token, which is unique per claim. A write is accepted only while the turn still runs
 * under that very claim.
 *
 * The token is what makes the fence safe when a claim commits without waiting for the WAL
 * flush: a Postgres crash can roll such a claim back, and the next claim then sets the same
 * epoch number again, but never the same token, so the first attempt stays fenced out.
 */
export interface TurnFence {
  turnId: string;
  epoch: number;
  owner: string;
}

/** A where-clause predicate on `turns`: the row is still running under this claim. */
export function leaseHeld(fence: TurnFence): SQL {
  return sql`id = ${fence.turnId} and lease_epoch = ${fence.epoch} and lease_owner = ${fence.owner} and status = 'running'`;
}

/** The fence of a claimed turn row (a claim always sets its owner). */
export function fenceOf(turn: TurnRow): TurnFence {
  if (turn.leaseOwner === null) throw new Error(`turn ${turn.id} has no lease owner: not claimed`);
  return { turnId: turn.id, epoch: turn.leaseEpoch, owner: turn.leaseOwner };
}
