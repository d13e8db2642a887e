import {
  databaseEnv,
  hooksEnv,
  intEnv,
  loadConfig,
  logEnv,
  providerEnv,
  redisEnv,
  serviceIdentityEnv,
  shutdownEnv,
  stringEnv,
  type EnvSource,
} from "@meerkat/shared/config";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

const workerEnvSchema = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...logEnv,
  ...shutdownEnv,
  ...providerEnv,
  ...serviceIdentityEnv,
  ...hooksEnv,
  /** Agent turns one worker process runs at once (they mostly wait on the provider). */
  WORKER_CONCURRENCY: intEnv(64, { min: 1, max: 1_000 }),
  /** A turn's lease; a worker that dies mid-turn loses the turn after this long. */
  WORKER_TURN_LEASE_MS: intEnv(30_000, { min: 500 }),
  /** Streaming events are committed (and published) at least this often. */
  WORKER_EVENT_FLUSH_MS: intEnv(50, { min: 1, max: 5_000 }),
  /** How often this worker looks for stranded turns (lost jobs, dead workers). */
  WORKER_SWEEP_INTERVAL_MS: intEnv(5_000, { min: 100 }),
  /** A queued turn with no worker for this long is enqueued again. */
  WORKER_QUEUED_GRACE_MS: intEnv(60_000, { min: 100 }),
  /** Root of per-session scratch directories (the shell tool's working directories). */
  MEERKAT_WORK_DIR: stringEnv(join(tmpdir(), "meerkat-work")),
  /** Port for /livez and /readyz; 0 or unset disables the probe server. */
  PROBE_PORT: intEnv(0, { min: 0, max: 65_535 }),
});

export type WorkerConfig = Readonly<z.output<typeof workerEnvSchema>>;

export function loadWorkerConfig(source: EnvSource = process.env): WorkerConfig {
  return loadConfig(workerEnvSchema, source);
}
