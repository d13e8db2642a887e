import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Requests that carried `X-Meerkat-Request-Id`, so any API replica can cancel them. One id is
 * in flight at most once per realm; once finished it may be reused.
 */
export const requests = pgTable(
  "requests",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    requestId: text("request_id").notNull(),
    /** pending → published (its turn committed) | cancelled | completed (ended without publishing). */
    state: text("state").notNull().default("pending"),
    kind: text("kind").notNull(),
    sessionId: uuid("session_id"),
    turnId: uuid("turn_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    check(
      "requests_state_check",
      sql`${table.state} in ('pending', 'published', 'cancelled', 'completed')`,
    ),
    /** The invariant: a request id is in flight at most once (409 DUPLICATE_REQUEST_ID). */
    uniqueIndex("requests_realm_id_request_id_pending_key")
      .on(table.realmId, table.requestId)
      .where(sql`${table.state} = 'pending'`),
    /** Cancel lookups: the newest row of an id. */
    index("requests_realm_id_request_id_created_at_idx").on(
      table.realmId,
      table.requestId,
      table.createdAt.desc(),
    ),
    /** The worker marks a turn's request published in its commit. */
    index("requests_turn_id_idx").on(table.turnId),
  ],
);
