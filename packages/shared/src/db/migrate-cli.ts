#!/usr/bin/env node
/**
 * `npm run db:migrate` and the `migrate` image: applies every pending migration to DATABASE_URL,
 * creating the database first when it does not exist (when the role may). Exit 0 on success, 1
 * with a logged error otherwise.
 *
 * Reads DATABASE_URL, DATABASE_CONNECT_TIMEOUT_MS (each connection attempt), LOG_LEVEL,
 * LOG_PRETTY and SERVICE_VERSION, as the services do; logs are JSON lines unless pretty.
 */
import { z } from "zod";
import { databaseEnv, logEnv, serviceIdentityEnv } from "../config/fragments.js";
import { ConfigError, loadConfig } from "../config/load.js";
import { createLogger } from "../observability/logger.js";
import { ensureDatabase, runMigrations } from "./migrate.js";

const migratorEnv = z.object({
  DATABASE_URL: databaseEnv.DATABASE_URL,
  DATABASE_CONNECT_TIMEOUT_MS: databaseEnv.DATABASE_CONNECT_TIMEOUT_MS,
  ...logEnv,
  SERVICE_VERSION: serviceIdentityEnv.SERVICE_VERSION,
});

function loadConfigOrExit(): z.output<typeof migratorEnv> {
  try {
    return loadConfig(migratorEnv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Postgres's "database does not exist" (SQLSTATE 3D000). */
function isMissingDatabase(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "3D000";
}

const config = loadConfigOrExit();
const logger = createLogger({
  service: "migrate",
  version: config.SERVICE_VERSION,
  level: config.LOG_LEVEL,
  pretty: config.LOG_PRETTY ?? process.stdout.isTTY,
});
const database = config.DATABASE_URL.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:[redacted]@");
const options = { url: config.DATABASE_URL, connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS };

try {
  try {
    await runMigrations(options);
  } catch (error) {
    // Only a database that is not there yet is created: a server that does not answer fails
    // once, after one connect timeout, and a role that may not create databases never tries.
    if (!isMissingDatabase(error)) throw error;
    if (await ensureDatabase(options)) logger.info({ database }, "database created");
    await runMigrations(options);
  }
  logger.info({ database }, "migrations applied");
} catch (error) {
  logger.error({ err: error, database }, "migration failed");
  process.exitCode = 1;
}
