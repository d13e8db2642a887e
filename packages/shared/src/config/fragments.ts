/**
 * Reusable groups of environment variables. Each service's config.ts spreads the groups it needs
 * into one zod object, so `.env.example` and every service agree on names, defaults and units.
 */
import { z } from "zod";
import type { ProviderSettings } from "../domain/providers.js";
import {
  optionalBoolEnv,
  enumEnv,
  intEnv,
  optionalStringEnv,
  secretEnv,
  urlEnv,
} from "./env-types.js";
import type { Secret } from "./secret.js";
import { releaseVersion } from "./version.js";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meerkat";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";
export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai/";

export const databaseEnv = {
  DATABASE_URL: urlEnv(["postgres", "postgresql"], DEFAULT_DATABASE_URL),
  DATABASE_POOL_MAX: intEnv(10, { min: 1, max: 500 }),
  /** How long a start-up connection attempt may take before the service gives up. */
  DATABASE_CONNECT_TIMEOUT_MS: intEnv(5_000, { min: 100 }),
};

export const redisEnv = {
  REDIS_URL: urlEnv(["redis", "rediss"], DEFAULT_REDIS_URL),
  /** Namespace of every BullMQ key and pub/sub channel, so stacks can share one Redis database. */
  QUEUE_PREFIX: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '_' and '-' only (1–64)")
      .default("meerkat"),
  ),
};

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const logEnv = {
  LOG_LEVEL: enumEnv(LOG_LEVELS, "info"),
  /** Human-readable logs; defaults to on when stdout is a terminal. */
  LOG_PRETTY: optionalBoolEnv(),
};

export const shutdownEnv = {
  /** Hard deadline for graceful shutdown; the process exits 1 when it is overrun. */
  SHUTDOWN_DEADLINE_MS: intEnv(10_000, { min: 100 }),
};

export const providerEnv = {
  ANTHROPIC_API_KEY: secretEnv(),
  ANTHROPIC_BASE_URL: urlEnv(["http", "https"]),
  OPENAI_API_KEY: secretEnv(),
  OPENAI_BASE_URL: urlEnv(["http", "https"]),
  OPENAI_API: enumEnv(["chat", "responses"] as const, "chat"),
  GEMINI_API_KEY: secretEnv(),
  GOOGLE_API_KEY: secretEnv(),
  GEMINI_BASE_URL: urlEnv(["http", "https"], DEFAULT_GEMINI_BASE_URL),
  SELF_HOSTED_BASE_URL: urlEnv(["http", "https"]),
  SELF_HOSTED_API_KEY: secretEnv(),
};

export const realmEnv = {
  /** The realm this API serves; a fresh `realm-<uuid>` when unset (as the reference does). */
  MEERKAT_REALM: optionalStringEnv(),
  MEERKAT_INSTANCE: optionalStringEnv(),
};

export const webhookEnv = {
  /** Shared secret for POST /sessions/{id}/external-events; empty disables the check. */
  RKAT_WEBHOOK_SECRET: secretEnv(),
};

export const HOOK_RUNTIMES = ["in_process", "command", "http"] as const;

export const hooksEnv = {
  /**
   * Hook runtimes requests and realm config may use. `command` runs programs on the workers and
   * `http` makes them call URLs: both are off unless listed (default: in_process only).
   */
  MEERKAT_HOOK_RUNTIMES: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const list = (raw ?? "in_process")
          .split(",")
          .map((part) => part.trim())
          .filter((part) => part !== "");
        for (const item of list) {
          if (!(HOOK_RUNTIMES as readonly string[]).includes(item)) {
            ctx.addIssue({
              code: "custom",
              message: `unknown hook runtime "${item}" (expected ${HOOK_RUNTIMES.join(", ")})`,
            });
            return z.NEVER;
          }
        }
        return list;
      }),
  ),
};

export const serviceIdentityEnv = {
  /** Overrides the replica identity used for leases and logs (default: hostname:pid). */
  INSTANCE_ID: optionalStringEnv(),
  /**
   * Reported in log lines, /runtime/host_info, the OpenAPI document and the telemetry resource;
   * default: the version of the root package.json (the image's build arg or the chart sets it).
   */
  SERVICE_VERSION: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z
      .string()
      .optional()
      .transform((value) => value?.trim() ?? releaseVersion()),
  ),
};

interface ProviderEnv {
  ANTHROPIC_API_KEY?: Secret | undefined;
  ANTHROPIC_BASE_URL?: string | undefined;
  OPENAI_API_KEY?: Secret | undefined;
  OPENAI_BASE_URL?: string | undefined;
  OPENAI_API: "chat" | "responses";
  GEMINI_API_KEY?: Secret | undefined;
  GOOGLE_API_KEY?: Secret | undefined;
  GEMINI_BASE_URL: string;
  SELF_HOSTED_BASE_URL?: string | undefined;
  SELF_HOSTED_API_KEY?: Secret | undefined;
}

export function toProviderSettings(env: ProviderEnv): ProviderSettings {
  return {
    anthropic: { apiKey: env.ANTHROPIC_API_KEY?.reveal(), baseUrl: env.ANTHROPIC_BASE_URL },
    openai: {
      apiKey: env.OPENAI_API_KEY?.reveal(),
      baseUrl: env.OPENAI_BASE_URL,
      api: env.OPENAI_API,
    },
    gemini: {
      apiKey: (env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY)?.reveal(),
      baseUrl: env.GEMINI_BASE_URL,
    },
    selfHosted: { apiKey: env.SELF_HOSTED_API_KEY?.reveal(), baseUrl: env.SELF_HOSTED_BASE_URL },
  };
}

/** The provider-key variables checked at start-up; none set ⇒ one warning naming them. */
export const PROVIDER_KEY_VARIABLES = [
  "ANTHROPIC_API_KEY",
  "OPENAI_API_KEY",
  "GEMINI_API_KEY",
  "GOOGLE_API_KEY",
  "SELF_HOSTED_BASE_URL",
] as const;

export function hasAnyProvider(settings: ProviderSettings): boolean {
  return Boolean(
    settings.anthropic.apiKey ??
    settings.openai.apiKey ??
    settings.gemini.apiKey ??
    settings.selfHosted.baseUrl,
  );
}
