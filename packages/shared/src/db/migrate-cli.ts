#!/usr/bin/env node
/**
 * `npm run db:migrate` and the `migrate` image: creates the database when missing (when the
 * role may), then applies every pending migration. Exit 0 on success, 1 with a message otherwise.
 */
import { DEFAULT_DATABASE_URL } from "../config/fragments.js";
import { describeError } from "../errors/app-error.js";
import { ensureDatabase, runMigrations } from "./migrate.js";

const url = process.env["DATABASE_URL"]?.trim() || DEFAULT_DATABASE_URL;
const redacted = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:[redacted]@");

try {
  const created = await ensureDatabase({ url }).catch((error: unknown) => {
    // Managed databases often forbid CREATE DATABASE; the migration below reports real problems.
    process.stderr.write(`note: could not check or create the database: ${describeError(error)}\n`);
    return false;
  });
  if (created) process.stdout.write(`created database at ${redacted}\n`);
  await runMigrations({ url });
  process.stdout.write(`migrations applied to ${redacted}\n`);
} catch (error) {
  process.stderr.write(`migration failed for ${redacted}: ${describeError(error)}\n`);
  process.exitCode = 1;
}
