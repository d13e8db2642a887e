import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type DbHandle } from "@meerkat/shared/db";
import { withDatabase } from "./env.js";

export interface TestDatabase {
  url: string;
  handle: DbHandle;
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = inject("databaseServerUrl");
  const name = `meerkat_t_${inject("runId")}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDatabase(server, "postgres") });
  await admin.connect();
  try {
    await admin.query(
      `create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(inject("templateDatabase"))}`,
    );
  } finally {
    await admin.end();
  }
  const url = withDatabase(server, name);
  const handle = createDb({
    url,
    poolMax: 4,
    connectTimeoutMs: 5_000,
    applicationName: "meerkat-tests",
  });
  return {
    url,
    handle,
    async drop() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: withDatabase(server, "postgres") });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** A unique BullMQ prefix / channel namespace, so test files share one Redis safely. */
export function uniquePrefix(): string {
  return `t${randomBytes(6).toString("hex")}`;
}
