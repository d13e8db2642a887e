// Tables of the naive baseline, created in the bench database only: one row per turn and one
// "message" row written by the worker's transaction.
export const BASELINE_SCHEMA = `
  create table if not exists bench_turns (
    id uuid primary key,
    status text not null,
    prompt text not null,
    result jsonb,
    created_at timestamptz not null default now(),
    finished_at timestamptz
  );
  create table if not exists bench_messages (
    id bigserial primary key,
    turn_id uuid not null references bench_turns (id),
    body jsonb not null,
    created_at timestamptz not null default now()
  );
`;

/** Settings both baseline processes read from the environment (same names as the product). */
export function baselineEnv(env = process.env) {
  const int = (name, fallback) => {
    const value = Number(env[name] ?? "");
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const prefix = env.QUEUE_PREFIX ?? "bench_baseline";
  return {
    databaseUrl: env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/meerkat_bench",
    redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
    prefix,
    poolMax: int("DATABASE_POOL_MAX", 10),
    concurrency: int("WORKER_CONCURRENCY", 16),
    port: int("PORT", 8090),
    host: env.HOST ?? "127.0.0.1",
    queueName: "bench-turn",
    doneChannel: `${prefix}:done`,
    providerUrl: env.BASELINE_PROVIDER_URL,
    providerBody: env.BASELINE_PROVIDER_BODY,
  };
}
