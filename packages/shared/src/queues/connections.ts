import { Redis, type RedisOptions } from "ioredis";

/** The logical database named by a redis:// URL path (`/3` → 3), default 0. */
export function redisDbIndex(url: string): number {
  const path = new URL(url).pathname.replace(/^\//, "");
  if (path === "") return 0;
  const db = Number(path);
  return Number.isInteger(db) && db >= 0 ? db : 0;
}

/**
 * Redis pub/sub ignores the selected database, so channel names carry the prefix and the db
 * number: two stacks sharing one server on different databases never hear each other.
 */
export function channelNamespace(prefix: string, redisUrl: string): string {
  return `${prefix}:db${redisDbIndex(redisUrl)}`;
}

export type RedisRole = "producer" | "worker" | "subscriber" | "command";

/**
 * Connection options by role. Producers fail fast (no offline queue) so the API can answer 503
 * instead of hanging; BullMQ workers and subscribers retry forever (maxRetriesPerRequest null).
 */
export function redisOptionsFor(role: RedisRole, connectionName: string): RedisOptions {
  const base: RedisOptions = {
    connectionName,
    lazyConnect: true,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  switch (role) {
    case "producer":
      return { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    case "command":
      return { ...base, maxRetriesPerRequest: 2 };
    case "worker":
    case "subscriber":
      return { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
  }
}

export function createRedis(url: string, role: RedisRole, connectionName: string): Redis {
  const redis = new Redis(url, redisOptionsFor(role, connectionName));
  // Connection errors surface through commands and reconnects; an unhandled 'error' would crash.
  redis.on("error", () => undefined);
  return redis;
}

/** Connects (lazyConnect) and pings, failing within `timeoutMs` when Redis does not answer. */
export async function connectRedis(redis: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        if (redis.status === "wait") await redis.connect();
        await redis.ping();
      })(),
      timeout,
    ]);
  } catch (error) {
    redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
