import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { ensureDatabase, MIGRATIONS_FOLDER, runMigrations } from "@meerkat/shared/db";
import { startContainersIfNeeded, type ContainerServices } from "./containers.js";
import { redisUrl, serverUrl, withDatabase } from "./env.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseServerUrl: string;
    templateDatabase: string;
    redisUrl: string;
    runId: string;
  }
}

/** The template's name changes whenever a migration does, so a stale template is never used. */
function templateName(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    hash.update(file).update(readFileSync(`${MIGRATIONS_FOLDER}/${file}`));
  }
  return `meerkat_tpl_${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Migrates a template database once per migration set; each test file clones it with
 * CREATE DATABASE … TEMPLATE (cheap isolation without containers).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server = serverUrl();
  let redis = redisUrl();
  const containers: ContainerServices | undefined = await startContainersIfNeeded(server, redis);
  if (containers) {
    server = containers.databaseUrl;
    redis = containers.redisUrl;
  }
  const template = templateName();
  const templateUrl = withDatabase(server, template);
  const created = await ensureDatabase({ url: templateUrl });
  if (created) await runMigrations({ url: templateUrl });
  else await runMigrations({ url: templateUrl }); // idempotent; also repairs a half-made template
  const runId = randomBytes(4).toString("hex");
  project.provide("databaseServerUrl", server);
  project.provide("templateDatabase", template);
  project.provide("redisUrl", redis);
  project.provide("runId", runId);

  return async () => {
    const admin = new pg.Client({ connectionString: withDatabase(server, "postgres") });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        "select datname from pg_database where datname like $1",
        [`meerkat_t_${runId}_%`],
      );
      for (const row of rows) {
        await admin.query(
          `drop database if exists ${pg.escapeIdentifier(row.datname)} with (force)`,
        );
      }
    } finally {
      await admin.end();
      await containers?.stop();
    }
  };
}
