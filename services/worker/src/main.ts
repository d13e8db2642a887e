import { hostname } from "node:os";
import {
  ConfigError,
  hasAnyProvider,
  PROVIDER_KEY_VARIABLES,
  toProviderSettings,
} from "@meerkat/shared/config";
import { createDb } from "@meerkat/shared/db";
import {
  createShutdown,
  installProcessHandlers,
  redactUrl,
  requireDependency,
  startProbeServer,
} from "@meerkat/shared/lifecycle";
import { createProviderRegistry } from "@meerkat/shared/llm";
import { createLogger } from "@meerkat/shared/observability";
import {
  channelNamespace,
  connectRedis,
  createProducer,
  createRedis,
} from "@meerkat/shared/queues";
import { createHub, createPublisher } from "@meerkat/shared/realtime";
import { telemetryHandle } from "@meerkat/shared/telemetry";
import { ActiveTurns } from "./agent/active-turns.js";
import { loadWorkerConfig, type WorkerConfig } from "./config.js";
import { createAgentServices } from "./agent/create-services.js";
import { createHandlers } from "./jobs/handlers.js";
import { Sweeper } from "./sweeper.js";
import { wakeAfterTurn } from "./wake.js";
import { createWorkerHost } from "./worker-host.js";

function loadConfigOrExit(): WorkerConfig {
  try {
    return loadWorkerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = loadConfigOrExit();
const workerId = config.INSTANCE_ID ?? `${hostname()}:${process.pid}`;
const logger = createLogger({
  service: "worker",
  version: config.SERVICE_VERSION,
  level: config.LOG_LEVEL,
  pretty: config.LOG_PRETTY ?? process.stdout.isTTY,
  base: { replica: workerId },
});
const shutdown = createShutdown({ logger, deadlineMs: config.SHUTDOWN_DEADLINE_MS });
installProcessHandlers(shutdown, logger);

const database = createDb({
  url: config.DATABASE_URL,
  poolMax: config.DATABASE_POOL_MAX,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  applicationName: `meerkat-worker:${workerId}`,
});
await requireDependency(logger, "Postgres", redactUrl(config.DATABASE_URL), () => database.ping());

const workerRedis = createRedis(config.REDIS_URL, "worker", "meerkat-worker");
const commandRedis = createRedis(config.REDIS_URL, "command", "meerkat-worker-cmd");
const subscriberRedis = createRedis(config.REDIS_URL, "subscriber", "meerkat-worker-sub");
await requireDependency(logger, "Redis", redactUrl(config.REDIS_URL), async () => {
  await Promise.all([
    connectRedis(workerRedis, config.DATABASE_CONNECT_TIMEOUT_MS),
    connectRedis(commandRedis, config.DATABASE_CONNECT_TIMEOUT_MS),
  ]);
});

const namespace = channelNamespace(config.QUEUE_PREFIX, config.REDIS_URL);
const publisher = createPublisher(commandRedis, namespace);
const hub = createHub(subscriberRedis, namespace);
const activeTurns = new ActiveTurns();
hub.onControl((message) => {
  if (activeTurns.stop(message.turn_id, message.reason)) {
    logger.info({ turnId: message.turn_id, reason: message.reason }, "turn stop requested");
  }
});
await hub.start({ turns: false, control: true });

const providerSettings = toProviderSettings(config);
if (!hasAnyProvider(providerSettings)) {
  logger.warn(
    { variables: PROVIDER_KEY_VARIABLES },
    `no provider configured: set one of ${PROVIDER_KEY_VARIABLES.join(", ")}`,
  );
}
const producer = createProducer(commandRedis, config.QUEUE_PREFIX);
const handlers = createHandlers({
  db: database.db,
  relaxedDb: database.relaxed,
  publisher,
  providers: createProviderRegistry(providerSettings),
  logger,
  activeTurns,
  workerId,
  settings: {
    leaseMs: config.WORKER_TURN_LEASE_MS,
    flushIntervalMs: config.WORKER_EVENT_FLUSH_MS,
    workRoot: config.MEERKAT_WORK_DIR,
  },
  services: createAgentServices({ allowedHookRuntimes: config.MEERKAT_HOOK_RUNTIMES }),
  wake: (sessionId) => wakeAfterTurn(database.db, producer, sessionId),
});
const host = createWorkerHost({
  connection: workerRedis,
  prefix: config.QUEUE_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  logger,
  handlers,
});
const sweeper = new Sweeper({
  db: database.db,
  producer,
  logger,
  intervalMs: config.WORKER_SWEEP_INTERVAL_MS,
  queuedGraceMs: config.WORKER_QUEUED_GRACE_MS,
  wake: (sessionId) => wakeAfterTurn(database.db, producer, sessionId),
});
sweeper.start();

const probe =
  config.PROBE_PORT > 0
    ? await startProbeServer(config.PROBE_PORT, "0.0.0.0", async () => {
        if (shutdown.isShuttingDown) return false;
        await database.ping();
        await commandRedis.ping();
        return true;
      })
    : undefined;

// Turns get most of the deadline to finish; the rest are released for another worker.
const drainMs = Math.max(0, config.SHUTDOWN_DEADLINE_MS - 2_000);
shutdown.register({ name: "sweeper", phase: "stop-intake", close: () => sweeper.stop() });
shutdown.register({
  name: "turns",
  phase: "drain",
  close: async () => {
    const closing = host.close();
    if (!(await activeTurns.drained(drainMs))) {
      const aborted = activeTurns.stopAll("shutdown");
      logger.warn({ aborted }, "releasing unfinished turns to other workers");
    }
    await closing;
  },
});
shutdown.register({ name: "probe", phase: "close-clients", close: () => probe?.close() });
shutdown.register({ name: "hub", phase: "close-clients", close: () => hub.close() });
shutdown.register({ name: "producer", phase: "close-clients", close: () => producer.close() });
shutdown.register({
  name: "redis",
  phase: "close-clients",
  close: async () => {
    await Promise.allSettled([workerRedis.quit(), commandRedis.quit()]);
  },
});
shutdown.register({ name: "postgres", phase: "close-clients", close: () => database.close() });
shutdown.register({
  name: "telemetry",
  phase: "flush-telemetry",
  close: () => telemetryHandle().shutdown(),
});

logger.info(
  {
    concurrency: config.WORKER_CONCURRENCY,
    prefix: config.QUEUE_PREFIX,
    leaseMs: config.WORKER_TURN_LEASE_MS,
  },
  "worker started",
);
