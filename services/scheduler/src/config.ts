import {
  databaseEnv,
  intEnv,
  loadConfig,
  logEnv,
  redisEnv,
  serviceIdentityEnv,
  shutdownEnv,
  type EnvSource,
} from "@meerkat/shared/config";
import { z } from "zod";

const schedulerEnvSchema = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...logEnv,
  ...shutdownEnv,
  ...serviceIdentityEnv,
  /** How often the scheduler wakes to plan and deliver due work. */
  SCHEDULER_TICK_MS: intEnv(250, { min: 10 }),
  /** An occurrence claim lasts this long; a replica that dies loses its claims after it (ms). */
  SCHEDULER_LEASE_MS: intEnv(60_000, { min: 500 }),
  /** Occurrences claimed per batch. */
  SCHEDULER_CLAIM_BATCH: intEnv(64, { min: 1, max: 1_000 }),
  /** Deliveries run at once within a batch. */
  SCHEDULER_DELIVERY_CONCURRENCY: intEnv(16, { min: 1, max: 256 }),
  /** How often expired stream events are pruned (ms). */
  SCHEDULER_MAINTENANCE_INTERVAL_MS: intEnv(60_000, { min: 10 }),
  /** Port for /livez and /readyz; 0 or unset disables the probe server. */
  PROBE_PORT: intEnv(0, { min: 0, max: 65_535 }),
});

export type SchedulerConfig = Readonly<z.output<typeof schedulerEnvSchema>>;

export function loadSchedulerConfig(source: EnvSource = process.env): SchedulerConfig {
  return loadConfig(schedulerEnvSchema, source);
}
