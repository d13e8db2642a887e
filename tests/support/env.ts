/** Where integration tests find Postgres and Redis (set by `npm test` via local-services.sh). */
export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meerkat";
export const DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0";

export function serverUrl(): string {
  return process.env["DATABASE_URL"]?.trim() || DEFAULT_TEST_DATABASE_URL;
}

export function redisUrl(): string {
  return process.env["REDIS_URL"]?.trim() || DEFAULT_TEST_REDIS_URL;
}

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
