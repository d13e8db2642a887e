import {
  claimDueOccurrences,
  misfireLateOccurrences,
  msUntilNextDue,
  renewOccurrenceClaims,
  type ClaimedOccurrence,
} from "@meerkat/shared/db";
import { withSpan } from "@meerkat/shared/observability";
import { deliverClaimed, type DeliveryDeps } from "./deliver.js";

export interface TickSettings {
  /** How long a claim holds before another replica may take the occurrence. */
  leaseMs: number;
  /** Occurrences claimed per batch. */
  claimBatch: number;
  /** Deliveries run at once within a batch. */
  deliveryConcurrency: number;
}

export interface TickDeps extends DeliveryDeps {
  /** Refills the planning horizons of schedules that need it (returns how many it planned). */
  refillHorizons: (now: Date) => Promise<number>;
}

export interface TickStats {
  planned: number;
  misfired: number;
  claimed: number;
  /** How long until the next pending occurrence falls due (ms), when that is in the future. */
  nextDueInMs: number | undefined;
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await run(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Whether a tick should also do the housekeeping (refill planning horizons, misfire what is too
 * late): at most once per `intervalMs`. Ticks that run sooner, because an occurrence falls due,
 * only claim and deliver: under a steady stream of due times they come every few milliseconds,
 * and horizons hours long or misfire windows seconds long gain nothing from being checked that
 * often.
 */
export function housekeepingGate(intervalMs: number, now: () => number = Date.now): () => boolean {
  let last: number | undefined;
  return () => {
    const at = now();
    if (last !== undefined && at - last < intervalMs) return false;
    last = at;
    return true;
  };
}

/**
 * One scheduler tick: refill horizons and misfire what is too late (when `housekeeping`), then
 * claim due occurrences in batches (SKIP LOCKED, leased) and deliver them until none are due.
 * Claims are renewed while a batch delivers, so a slow delivery is not taken by another
 * replica. Reports when the next occurrence falls due, so the loop can wake right then.
 */
export async function runSchedulerTick(
  deps: TickDeps,
  settings: TickSettings,
  signal: AbortSignal,
  housekeeping = true,
): Promise<TickStats> {
  return withSpan("scheduler.tick", {}, async () => {
    const stats: TickStats = { planned: 0, misfired: 0, claimed: 0, nextDueInMs: undefined };
    if (housekeeping) {
      stats.planned = await deps.refillHorizons(new Date());
      stats.misfired = await misfireLateOccurrences(deps.db, 1_000);
    }
    while (!signal.aborted) {
      const claimed = await claimDueOccurrences(deps.db, {
        owner: deps.owner,
        leaseMs: settings.leaseMs,
        limit: settings.claimBatch,
      });
      if (claimed.length === 0) break;
      stats.claimed += claimed.length;
      await deliverBatch(deps, settings, claimed);
      if (claimed.length < settings.claimBatch) break;
    }
    // Wake for the next due time rather than a whole interval later. One already due fell due
    // while this tick delivered: go again at once, as long as ticks make progress (one that
    // stays unclaimable, its schedule mid-change, waits for the regular interval).
    const next = await msUntilNextDue(deps.db);
    if (next !== undefined) {
      if (next > 0) stats.nextDueInMs = next;
      else if (stats.claimed > 0) stats.nextDueInMs = 0;
    }
    return stats;
  });
}

async function deliverBatch(
  deps: TickDeps,
  settings: TickSettings,
  claimed: ClaimedOccurrence[],
): Promise<void> {
  const ids = claimed.map((occurrence) => occurrence.id);
  const renewal = setInterval(
    () => {
      renewOccurrenceClaims(deps.db, { owner: deps.owner, ids, leaseMs: settings.leaseMs }).catch(
        (err: unknown) => {
          deps.logger.warn({ err }, "occurrence claim renewal failed");
        },
      );
    },
    Math.max(100, Math.floor(settings.leaseMs / 3)),
  );
  renewal.unref();
  try {
    await forEachLimited(claimed, settings.deliveryConcurrency, async (occurrence) => {
      try {
        const result = await deliverClaimed(deps, occurrence);
        deps.logger.debug(
          {
            occurrenceId: occurrence.id,
            scheduleId: occurrence.scheduleId,
            result,
            lagMs: Date.now() - occurrence.dueAt.getTime(),
          },
          "occurrence handled",
        );
      } catch (err) {
        // The claim lapses and another tick (or replica) retries it.
        deps.logger.warn(
          { err, occurrenceId: occurrence.id },
          "occurrence delivery failed; it will be retried",
        );
      }
    });
  } finally {
    clearInterval(renewal);
  }
}
