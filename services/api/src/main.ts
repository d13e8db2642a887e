import { hostname } from "node:os";
import {
  ConfigError,
  hasAnyProvider,
  PROVIDER_KEY_VARIABLES,
  toProviderSettings,
} from "@meerkat/shared/config";
import { createDb, ensureRealm } from "@meerkat/shared/db";
import { newRealmId, realmIdProblem } from "@meerkat/shared/domain";
import {
  createShutdown,
  installProcessHandlers,
  redactUrl,
  requireDependency,
} from "@meerkat/shared/lifecycle";
import { createLogger } from "@meerkat/shared/observability";
import {
  channelNamespace,
  connectRedis,
  createProducer,
  createRedis,
} from "@meerkat/shared/queues";
import { createHub, createPublisher } from "@meerkat/shared/realtime";
import { telemetryHandle } from "@meerkat/shared/telemetry";
import { buildApp } from "./app.js";
import { parseApiArgs, type ApiCliOptions } from "./cli.js";
import { loadApiConfig, type ApiConfig } from "./config.js";
import { RealmContext } from "./runtime/realm-context.js";
import { TurnWaiter } from "./runtime/turn-waiter.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function loadOrExit(): { config: ApiConfig; cli: ApiCliOptions } {
  try {
    return { config: loadApiConfig(), cli: parseApiArgs(process.argv.slice(2)) };
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    fail(`Invalid arguments: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const { config, cli } = loadOrExit();
const realmId = cli.isolated ? newRealmId() : (cli.realm ?? config.MEERKAT_REALM ?? newRealmId());
const realmProblem = realmIdProblem(realmId);
if (realmProblem) fail(`Invalid realm id '${realmId}': ${realmProblem}`);
const instanceId = cli.instance ?? config.MEERKAT_INSTANCE;
const replicaId = config.INSTANCE_ID ?? `${hostname()}:${process.pid}`;

const logger = createLogger({
  service: "api",
  version: config.SERVICE_VERSION,
  level: config.LOG_LEVEL,
  pretty: config.LOG_PRETTY ?? process.stdout.isTTY,
  base: { replica: replicaId },
});
if (cli.ignored.length > 0)
  logger.warn({ flags: cli.ignored }, "flags accepted for compatibility and ignored");
const shutdown = createShutdown({ logger, deadlineMs: config.SHUTDOWN_DEADLINE_MS });
installProcessHandlers(shutdown, logger);

const database = createDb({
  url: config.DATABASE_URL,
  poolMax: config.DATABASE_POOL_MAX,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  applicationName: `meerkat-api:${replicaId}`,
});
await requireDependency(logger, "Postgres", redactUrl(config.DATABASE_URL), async () => {
  await database.ping();
  await ensureRealm(database.db, realmId);
});

const commandRedis = createRedis(config.REDIS_URL, "producer", "meerkat-api");
const subscriberRedis = createRedis(config.REDIS_URL, "subscriber", "meerkat-api-sub");
await requireDependency(logger, "Redis", redactUrl(config.REDIS_URL), () =>
  connectRedis(commandRedis, config.DATABASE_CONNECT_TIMEOUT_MS),
);

const namespace = channelNamespace(config.QUEUE_PREFIX, config.REDIS_URL);
const hub = createHub(subscriberRedis, namespace);
await hub.start({ turns: true, control: false });
const realm = new RealmContext({ db: database.db, logger, realmId, instanceId });
const waiter = new TurnWaiter({ db: database.db, hub, logger, pollMs: config.API_TURN_POLL_MS });
waiter.start();
const producer = createProducer(commandRedis, config.QUEUE_PREFIX);
const providers = toProviderSettings(config);
if (!hasAnyProvider(providers)) {
  logger.warn(
    { variables: PROVIDER_KEY_VARIABLES },
    `no provider configured: set one of ${PROVIDER_KEY_VARIABLES.join(", ")} (see README: try it offline with the fake provider)`,
  );
}

const app = await buildApp(
  {
    db: database.db,
    relaxedDb: database.relaxed,
    producer,
    publisher: createPublisher(commandRedis, namespace),
    hub,
    waiter,
    realm,
    providers,
    logger,
    hookRuntimes: config.MEERKAT_HOOK_RUNTIMES,
  },
  {
    logger,
    bodyLimitBytes: config.API_BODY_LIMIT_BYTES,
    apiKeys: config.MEERKAT_API_KEYS,
    version: config.SERVICE_VERSION,
    sseHeartbeatMs: config.API_SSE_HEARTBEAT_MS,
    webhookSecret: config.RKAT_WEBHOOK_SECRET?.reveal(),
    isReady: async () => {
      if (shutdown.isShuttingDown) return false;
      await database.ping();
      await commandRedis.ping();
      return true;
    },
    pingRedis: () => commandRedis.ping(),
    resolvedPaths: cli.exposePaths
      ? { database_url: redactUrl(config.DATABASE_URL), redis_url: redactUrl(config.REDIS_URL) }
      : null,
  },
);

shutdown.register({ name: "http", phase: "stop-intake", close: () => app.close() });
shutdown.register({
  name: "waiter",
  phase: "drain",
  close: () => {
    waiter.stop();
  },
});
shutdown.register({ name: "hub", phase: "close-clients", close: () => hub.close() });
shutdown.register({ name: "producer", phase: "close-clients", close: () => producer.close() });
shutdown.register({
  name: "redis",
  phase: "close-clients",
  close: async () => {
    await commandRedis.quit();
  },
});
shutdown.register({ name: "postgres", phase: "close-clients", close: () => database.close() });
shutdown.register({
  name: "telemetry",
  phase: "flush-telemetry",
  close: () => telemetryHandle().shutdown(),
});

try {
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ address, realm: realmId, instance: instanceId }, "api listening");
} catch (error) {
  logger.fatal({ err: error }, "cannot listen");
  fail(
    `error: cannot listen on ${config.HOST}:${config.PORT}: ${error instanceof Error ? error.message : String(error)}`,
  );
}
