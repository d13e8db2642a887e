import { findRealm, type Db } from "@meerkat/shared/db";
import { parseRealmConfig, type RealmConfig } from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";

export interface RealmConfigSnapshot {
  config: RealmConfig;
  generation: number;
}

/**
 * The realm this API process serves, with its config read from Postgres. Reads are cached for
 * a short time so every replica sees a change within `ttlMs` without a query per request.
 */
export class RealmContext {
  readonly realmId: string;
  readonly instanceId: string | undefined;
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  #cached: { snapshot: RealmConfigSnapshot; at: number } | undefined;

  constructor(options: {
    db: Db;
    logger: Logger;
    realmId: string;
    instanceId?: string | undefined;
    ttlMs?: number;
  }) {
    this.realmId = options.realmId;
    this.instanceId = options.instanceId;
    this.#db = options.db;
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs ?? 1_000;
  }

  async config(): Promise<RealmConfigSnapshot> {
    const now = Date.now();
    if (this.#cached && now - this.#cached.at < this.#ttlMs) return this.#cached.snapshot;
    const row = await findRealm(this.#db, this.realmId);
    let config: RealmConfig;
    try {
      config = parseRealmConfig(row?.config ?? {});
    } catch (err) {
      this.#logger.error(
        { err, realm: this.realmId },
        "stored realm config is invalid; using defaults",
      );
      config = parseRealmConfig({});
    }
    const snapshot = { config, generation: row?.configGeneration ?? 0 };
    this.#cached = { snapshot, at: now };
    return snapshot;
  }

  /** Drops the cache (after this process wrote the config). */
  invalidate(): void {
    this.#cached = undefined;
  }
}
