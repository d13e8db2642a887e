import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg, { type QueryResult, type QueryResultRow } from "pg";
import type { DbOrTx } from "./client.js";

const dialect = new PgDialect();
const { types } = pg;

/** Types drizzle leaves as text in raw results; kept so, so both paths return the same rows. */
const RAW_TEXT_TYPES = new Set<number>([
  types.builtins.TIMESTAMPTZ,
  types.builtins.TIMESTAMP,
  types.builtins.DATE,
  types.builtins.INTERVAL,
  1115, // timestamp[]
  1182, // date[]
  1185, // timestamptz[]
  1187, // interval[]
  1231, // numeric[]
]);
type TypeId = Parameters<typeof types.getTypeParser>[0];
const rowTypes = {
  getTypeParser: (typeId: TypeId, format?: "text" | "binary"): ((value: string) => unknown) =>
    RAW_TEXT_TYPES.has(typeId)
      ? (value: string) => value
      : (types.getTypeParser(typeId, format ?? "text") as (value: string) => unknown),
};

/** Statement names by text; the texts are the product's own templates, so the map stays small. */
const names = new Map<string, string>();
const MAX_NAMES = 512;

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `mk_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return name;
}

/**
 * Runs a statement of a hot path as a named prepared statement: each pooled connection parses
 * and plans it once, then only binds and executes (planning was about 40% of the Postgres time
 * of the per-turn statements). The name derives from the text, so two texts never share one.
 * Inside a transaction (a handle without a pool) it runs as a plain `execute`. Use it only for
 * statements whose plan does not depend on the parameter values (key lookups), since Postgres
 * may switch a prepared statement to a generic plan.
 */
// The row type is the caller's statement of what its SQL returns, as with drizzle's execute<T>.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function executePrepared<T extends QueryResultRow>(
  db: DbOrTx,
  query: SQL,
): Promise<{ rows: T[] }> {
  const client = (db as { $client?: pg.Pool }).$client;
  if (!client) {
    const result = await db.execute<T>(query);
    return { rows: result.rows as T[] };
  }
  const { sql: text, params } = dialect.sqlToQuery(query);
  const result: QueryResult<T> = await client.query<T>({
    name: nameOf(text),
    text,
    values: params,
    types: rowTypes,
  });
  return { rows: result.rows };
}
