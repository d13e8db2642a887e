import type { Db } from "@meerkat/shared/db";
import type { ProviderSettings } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import type { Producer } from "@meerkat/shared/queues";
import type { RealtimeHub, RealtimePublisher } from "@meerkat/shared/realtime";
import type { RealmContext } from "../runtime/realm-context.js";
import type { TurnWaiter } from "../runtime/turn-waiter.js";

/** What the use cases need; built once in main.ts (or by a test) and passed down. */
export interface ServiceDeps {
  db: Db;
  /**
   * The relaxed-durability handle (DbHandle.relaxed): for writes no client is told about before
   * a later synchronous commit of the same flow (a turn queued for a request that waits for
   * its result).
   */
  relaxedDb: Db;
  producer: Producer;
  publisher: RealtimePublisher;
  hub: RealtimeHub;
  waiter: TurnWaiter;
  realm: RealmContext;
  providers: ProviderSettings;
  logger: Logger;
  /** Hook runtimes requests and config may use (MEERKAT_HOOK_RUNTIMES). */
  hookRuntimes: readonly string[];
}
