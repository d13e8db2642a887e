import { hostname } from "node:os";
import { ConfigError } from "@meerkat/shared/config";
import { createDb } from "@meerkat/shared/db";
import {
  createShutdown,
  installProcessHandlers,
  redactUrl,
  requireDependency,
  startProbeServer,
} from "@meerkat/shared/lifecycle";
import { createLogger } from "@meerkat/shared/observability";
import { connectRedis, createProducer, createRedis } from "@meerkat/shared/queues";
import { refillDueHorizons } from "@meerkat/shared/schedules";
import { telemetryHandle } from "@meerkat/shared/telemetry";
import { loadSchedulerConfig, type SchedulerConfig } from "./config.js";
import { pruneExpiredEvents } from "./maintenance.js";
import { housekeepingGate, runSchedulerTick } from "./scheduler-tick.js";
import { TickLoop } from "./tick-loop.js";

function loadConfigOrExit(): SchedulerConfig {
  try {
    return loadSchedulerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = loadConfigOrExit();
const schedulerId = config.INSTANCE_ID ?? `${hostname()}:${process.pid}`;
const logger = createLogger({
  service: "scheduler",
  version: config.SERVICE_VERSION,
  level: config.LOG_LEVEL,
  pretty: config.LOG_PRETTY ?? process.stdout.isTTY,
  base: { replica: schedulerId },
});
const shutdown = createShutdown({ logger, deadlineMs: config.SHUTDOWN_DEADLINE_MS });
installProcessHandlers(shutdown, logger);

const database = createDb({
  url: config.DATABASE_URL,
  poolMax: config.DATABASE_POOL_MAX,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  applicationName: `meerkat-scheduler:${schedulerId}`,
});
await requireDependency(logger, "Postgres", redactUrl(config.DATABASE_URL), () => database.ping());
const redis = createRedis(config.REDIS_URL, "producer", "meerkat-scheduler");
await requireDependency(logger, "Redis", redactUrl(config.REDIS_URL), () =>
  connectRedis(redis, config.DATABASE_CONNECT_TIMEOUT_MS),
);
const producer = createProducer(redis, config.QUEUE_PREFIX);

const tickDeps = {
  db: database.db,
  producer,
  logger,
  owner: `scheduler:${schedulerId}`,
  refillHorizons: (now: Date) =>
    refillDueHorizons(database.db, {
      now,
      onError: (scheduleId: string, err: unknown) => {
        logger.warn({ err, scheduleId }, "schedule planning failed; retried later");
      },
    }),
};
const tickSettings = {
  leaseMs: config.SCHEDULER_LEASE_MS,
  claimBatch: config.SCHEDULER_CLAIM_BATCH,
  deliveryConcurrency: config.SCHEDULER_DELIVERY_CONCURRENCY,
};
const housekeepingDue = housekeepingGate(config.SCHEDULER_TICK_MS);
const loop = new TickLoop(
  async (signal) => {
    const stats = await runSchedulerTick(tickDeps, tickSettings, signal, housekeepingDue());
    if (stats.claimed > 0 || stats.misfired > 0) logger.debug(stats, "scheduler tick");
    return stats.nextDueInMs;
  },
  config.SCHEDULER_TICK_MS,
  logger,
);
loop.start();
const maintenance = new TickLoop(
  async (signal) => {
    await pruneExpiredEvents(database.db, logger, signal);
    return undefined;
  },
  config.SCHEDULER_MAINTENANCE_INTERVAL_MS,
  logger,
);
maintenance.start();

const probe =
  config.PROBE_PORT > 0
    ? await startProbeServer(config.PROBE_PORT, "0.0.0.0", async () => {
        if (shutdown.isShuttingDown) return false;
        await database.ping();
        await redis.ping();
        return true;
      })
    : undefined;

shutdown.register({ name: "tick-loop", phase: "stop-intake", close: () => loop.stop() });
shutdown.register({ name: "maintenance", phase: "stop-intake", close: () => maintenance.stop() });
shutdown.register({ name: "probe", phase: "close-clients", close: () => probe?.close() });
shutdown.register({ name: "producer", phase: "close-clients", close: () => producer.close() });
shutdown.register({
  name: "redis",
  phase: "close-clients",
  close: async () => {
    await redis.quit();
  },
});
shutdown.register({ name: "postgres", phase: "close-clients", close: () => database.close() });
shutdown.register({
  name: "telemetry",
  phase: "flush-telemetry",
  close: () => telemetryHandle().shutdown(),
});

logger.info({ tickMs: config.SCHEDULER_TICK_MS }, "scheduler started");
