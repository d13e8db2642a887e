import { listRealms, pruneEvents, type Db } from "@meerkat/shared/db";
import { parseDurationMs, parseRealmConfig } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";

const PRUNE_BATCH = 5_000;
/**
 * Config writes refuse longer retentions; a stored one beyond it keeps every event, rather than
 * putting `now() - retention` out of Postgres's range.
 */
const MAX_RETENTION_MS = 36_500 * 86_400_000;

/**
 * Housekeeping that runs beside scheduling: deletes streamed events older than each realm's
 * `events.retention`. Safe with several replicas (rows are taken with SKIP LOCKED).
 */
export async function pruneExpiredEvents(
  db: Db,
  logger: Logger,
  signal: AbortSignal,
): Promise<number> {
  let total = 0;
  for (const realm of await listRealms(db)) {
    let retentionMs: number;
    try {
      retentionMs = parseDurationMs(parseRealmConfig(realm.config).events.retention) ?? Infinity;
    } catch {
      continue; // An invalid stored config keeps its events.
    }
    if (!Number.isFinite(retentionMs) || retentionMs > MAX_RETENTION_MS) continue;
    for (;;) {
      if (signal.aborted) return total;
      const pruned = await pruneEvents(db, {
        realmId: realm.id,
        olderThanMs: retentionMs,
        limit: PRUNE_BATCH,
      });
      total += pruned;
      if (pruned < PRUNE_BATCH) break;
    }
  }
  if (total > 0) logger.info({ pruned: total }, "expired events pruned");
  return total;
}
