import { parseRealmConfig, type RealmConfig } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";

/**
 * Parsed realm configs by realm and generation. Every config write bumps the generation, so an
 * entry is exact for as long as it lives: a turn never sees a stale config, and the schema parse
 * (about 2% of the worker's CPU per turn) runs once per change instead of once per turn. Entries
 * are frozen, since every turn of the realm shares them.
 */
export class RealmConfigCache {
  readonly #entries = new Map<string, RealmConfig>();
  readonly #capacity: number;

  constructor(capacity = 64) {
    this.#capacity = capacity;
  }

  get(realmId: string, generation: number | undefined, raw: unknown, logger: Logger): RealmConfig {
    if (generation === undefined) return parseOrDefaults(raw, logger);
    const key = `${realmId}\u0000${generation}`;
    let config = this.#entries.get(key);
    if (!config) {
      config = deepFreeze(parseOrDefaults(raw, logger));
      if (this.#entries.size >= this.#capacity) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      this.#entries.set(key, config);
    }
    return config;
  }
}

function parseOrDefaults(raw: unknown, logger: Logger): RealmConfig {
  try {
    return parseRealmConfig(raw);
  } catch (err) {
    logger.error({ err }, "stored realm config is invalid; using defaults");
    return parseRealmConfig({});
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
