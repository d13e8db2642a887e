import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

/** Where the committed SQL migrations live (packages/shared/drizzle), from src/ or dist/. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
export const MIGRATIONS_TABLE = "__meerkat_migrations";

/** Arbitrary constant: serialises concurrent migrators (several pods, parallel test setup). */
const MIGRATION_LOCK_KEY = 0x6d65_6572;

export interface MigrateOptions {
  url: string;
  /**
   * How long opening a connection may take (default 10 s); the CLI passes
   * DATABASE_CONNECT_TIMEOUT_MS.
   */
  connectTimeoutMs?: number;
}

/** Applies pending migrations under an advisory lock; safe to run from several processes. */
export async function runMigrations(options: MigrateOptions): Promise<void> {
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: "meerkat-migrate",
  });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migrate(drizzle(client), {
      migrationsFolder: MIGRATIONS_FOLDER,
      migrationsTable: MIGRATIONS_TABLE,
      migrationsSchema: "public",
    });
  } finally {
    await client
      .query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await client.end();
  }
}

/**
 * Creates the database named in `url` when it does not exist, connecting to the `postgres`
 * maintenance database of the same server. Returns true when it created it.
 */
export async function ensureDatabase(options: MigrateOptions): Promise<boolean> {
  const target = new URL(options.url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (name === "" || name === "postgres") return false;
  const admin = new URL(options.url);
  admin.pathname = "/postgres";
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: "meerkat-migrate",
  });
  await client.connect();
  try {
    const existing = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`create database ${pg.escapeIdentifier(name)}`);
    } catch (error) {
      // Another process created it between the check and the create.
      if ((error as { code?: string }).code === "42P04") return false;
      throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}
