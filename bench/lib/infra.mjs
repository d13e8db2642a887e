// Postgres, Redis and /proc helpers of the benchmark (plain pg and ioredis from node_modules).
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { Redis } from "ioredis";
import pg from "pg";

/** The same server as `url`, another database. */
export function withDatabase(url, name) {
  const out = new URL(url);
  out.pathname = `/${name}`;
  return out.toString();
}

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, application_name: "meerkat-bench" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops (forcibly: it is ours) and creates the bench database. */
export async function recreateDatabase(serverUrl, name) {
  await withClient(withDatabase(serverUrl, "postgres"), async (client) => {
    const ident = pg.escapeIdentifier(name);
    await client.query(`drop database if exists ${ident} with (force)`);
    await client.query(`create database ${ident}`);
  });
}

export async function dropDatabase(serverUrl, name) {
  await withClient(withDatabase(serverUrl, "postgres"), async (client) => {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  });
}

export function connectRedis(url) {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on("error", () => undefined);
  return redis;
}

/** Deletes every key under `<prefix>:`; returns how many. */
export async function flushPrefix(redis, prefix) {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** A field of `INFO <section>` as a number (or string when not numeric). */
export async function redisInfo(redis, section) {
  const text = await redis.info(section);
  const out = {};
  for (const line of text.split("\r\n")) {
    const index = line.indexOf(":");
    if (index <= 0 || line.startsWith("#")) continue;
    const value = line.slice(index + 1);
    out[line.slice(0, index)] = Number.isNaN(Number(value)) ? value : Number(value);
  }
  return out;
}

/** Calls per command from `INFO commandstats`. */
export async function redisCommandCalls(redis) {
  const text = await redis.info("commandstats");
  const out = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    out[match[1]] = Number(match[2]);
  }
  return out;
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far, or undefined when it is gone. */
export function processCpuSeconds(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Busy and total CPU seconds of the whole machine so far (all cores, from /proc/stat). */
export function machineCpuSeconds() {
  let stat;
  try {
    stat = readFileSync("/proc/stat", "utf8");
  } catch {
    return undefined;
  }
  const fields = stat.split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user/nice)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

/** pid → CPU seconds of every Postgres backend connected to `database`. */
export async function backendCpu(client, database) {
  const { rows } = await client.query(
    "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
    [database],
  );
  const out = new Map();
  for (const { pid } of rows) {
    const cpu = processCpuSeconds(pid);
    if (cpu !== undefined) out.set(pid, cpu);
  }
  return out;
}

/** Transaction and tuple counters of one database (pg_stat_database; flushed about every 1 s). */
export async function databaseCounters(client, database) {
  await client.query("select pg_stat_clear_snapshot()");
  const { rows } = await client.query(
    `select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated,
            tup_deleted, blks_hit, blks_read
     from pg_stat_database where datname = $1`,
    [database],
  );
  const row = rows[0] ?? {};
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

/** table → { ins, upd, hot_upd, del } of the user tables of the connected database. */
export async function tableCounters(client) {
  const { rows } = await client.query(
    `select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables`,
  );
  const out = {};
  for (const row of rows) {
    out[row.relname] = {
      ins: Number(row.n_tup_ins),
      upd: Number(row.n_tup_upd),
      hot_upd: Number(row.n_tup_hot_upd),
      del: Number(row.n_tup_del),
    };
  }
  return out;
}

const SERVER_TIMELINES = {
  product: {
    table: "turns",
    spans: {
      created_to_claimed: "started_at - created_at",
      claimed_to_finished: "finished_at - started_at",
      created_to_finished: "finished_at - created_at",
    },
  },
  baseline: {
    table: "bench_turns",
    spans: { created_to_finished: "finished_at - created_at" },
  },
};

/**
 * Percentiles (ms) of the server-side spans of the turns created between two instants, from
 * the rows' own timestamps (created_at: the API's insert; started_at: the worker's claim;
 * finished_at: the worker's commit).
 */
export async function serverTimeline(client, system, fromMs, toMs) {
  const { table, spans } = SERVER_TIMELINES[system];
  const columns = Object.entries(spans).map(
    ([name, expr]) =>
      `percentile_cont(array[0.5, 0.9, 0.99]) within group (order by extract(epoch from ${expr}) * 1000) as ${name}`,
  );
  const { rows } = await client.query(
    `select count(*)::int as turns, ${columns.join(", ")} from ${table}
     where created_at between to_timestamp($1 / 1000.0) and to_timestamp($2 / 1000.0)
       and finished_at is not null`,
    [fromMs, toMs],
  );
  const row = rows[0];
  const out = { turns: row.turns };
  for (const name of Object.keys(spans)) {
    const [p50, p90, p99] = (row[name] ?? []).map((value) => Math.round(value * 100) / 100);
    out[name] = { p50: p50 ?? null, p90: p90 ?? null, p99: p99 ?? null };
  }
  return out;
}

export function diffCounters(after, before) {
  const out = {};
  for (const [key, value] of Object.entries(after)) {
    if (typeof value === "number" && typeof before[key] === "number")
      out[key] = value - before[key];
  }
  return out;
}

export async function machineInfo(serverUrl, redis) {
  const cpuList = cpus();
  const pgVersion = await withClient(withDatabase(serverUrl, "postgres"), async (client) => {
    const { rows } = await client.query("select current_setting('server_version') as v");
    const settings = await client.query(
      `select name, setting from pg_settings where name in
        ('max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'autovacuum')`,
    );
    return {
      version: rows[0].v,
      settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
    };
  });
  const server = await redisInfo(redis, "server");
  return {
    cpu_count: cpuList.length,
    cpu_model: cpuList[0]?.model ?? "unknown",
    total_memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    postgres: pgVersion.version,
    postgres_settings: pgVersion.settings,
    redis: String(server.redis_version),
    loadavg_at_start: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
