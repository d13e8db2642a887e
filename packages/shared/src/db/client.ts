import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema/index.js";

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; repositories accept `Db | Tx`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbSettings {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  applicationName: string;
}

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  /**
   * A second pool whose commits do not wait for the WAL flush (`synchronous_commit = off`).
   * Only for writes that nobody has been told about yet and whose flow ends in a synchronous
   * commit before anything is acknowledged: Postgres flushes WAL in order, so that later commit
   * makes this one durable too. A crash may lose such a write, never one that was acknowledged.
   * Its connections open on first use.
   */
  relaxed: Db;
  relaxedPool: pg.Pool;
  /** Fails fast (within connectTimeoutMs) when Postgres does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Postgres bigint (int8) and numeric counts fit comfortably in a JS number for our columns.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDb(settings: DbSettings): DbHandle {
  const pool = createPool(settings, {});
  const relaxedPool = createPool(settings, {
    suffix: ":relaxed",
    options: "-c synchronous_commit=off",
  });
  const db = drizzle(pool, { schema });
  const relaxed = drizzle(relaxedPool, { schema });
  let closed = false;
  return {
    db,
    pool,
    relaxed,
    relaxedPool,
    async ping() {
      await pool.query("select 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([pool.end(), relaxedPool.end()]);
    },
  };
}

function createPool(settings: DbSettings, variant: { suffix?: string; options?: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // Postgres keeps application names to 63 bytes; the variant's suffix must survive that.
    application_name: `${settings.applicationName.slice(0, 63 - (variant.suffix?.length ?? 0))}${variant.suffix ?? ""}`,
    ...(variant.options ? { options: variant.options } : {}),
  });
  // An idle client that loses its connection emits here; without a listener the process dies.
  pool.on("error", () => undefined);
  // So does a checked-out client whose connection ends between two queries (a transaction
  // waiting on other work when Postgres restarts): the pool's idle listener is detached while
  // it is out. The error needs no handling here: the holder's next query fails with it, the
  // client is released as broken and the pool discards it.
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  return pool;
}
