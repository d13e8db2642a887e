import {
  csvEnv,
  databaseEnv,
  hooksEnv,
  intEnv,
  loadConfig,
  logEnv,
  providerEnv,
  realmEnv,
  redisEnv,
  serviceIdentityEnv,
  shutdownEnv,
  stringEnv,
  webhookEnv,
  type EnvSource,
} from "@meerkat/shared/config";
import { z } from "zod";

const apiEnvSchema = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...logEnv,
  ...shutdownEnv,
  ...providerEnv,
  ...realmEnv,
  ...webhookEnv,
  ...serviceIdentityEnv,
  ...hooksEnv,
  PORT: intEnv(8080, { min: 0, max: 65_535 }),
  HOST: stringEnv("127.0.0.1"),
  /** Largest accepted request body (inline images make prompts large). */
  API_BODY_LIMIT_BYTES: intEnv(10 * 1024 * 1024, { min: 1024 }),
  /** A synchronous request re-checks its turn in Postgres this often (pub/sub is the fast path). */
  API_TURN_POLL_MS: intEnv(1_000, { min: 50 }),
  /** Comment lines keep idle SSE streams open through proxies. */
  API_SSE_HEARTBEAT_MS: intEnv(15_000, { min: 100 }),
  /**
   * Inbound API keys (comma-separated). Empty: no authentication (local use). Set: every route
   * but the probes (/health, /readyz) requires `Authorization: Bearer <key>`.
   */
  MEERKAT_API_KEYS: csvEnv(),
});

export type ApiConfig = Readonly<z.output<typeof apiEnvSchema>>;

export function loadApiConfig(source: EnvSource = process.env): ApiConfig {
  return loadConfig(apiEnvSchema, source);
}
