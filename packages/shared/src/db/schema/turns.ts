import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { RunResult, TurnError, TurnInput } from "../../domain/turns.js";
import { sessions } from "./sessions.js";

/**
 * One agent run of a session. The worker claims a queued turn with a conditional update that
 * bumps `lease_epoch`; every later write of that turn is fenced by the epoch it claimed.
 */
export const turns = pgTable(
  "turns",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    kind: text("kind").notNull().default("prompt"),
    status: text("status").notNull(),
    input: jsonb("input").$type<TurnInput>().notNull(),
    /** X-Meerkat-Request-Id of the request that submitted the turn, if any. */
    requestId: text("request_id"),
    leaseOwner: text("lease_owner"),
    leaseEpoch: integer("lease_epoch").notNull().default(0),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    /** Number of times a worker claimed this turn (1 on a clean run). */
    attempt: integer("attempt").notNull().default(0),
    /** Set by interrupt/cancel; the running worker aborts at once (pub/sub) or at its next lease renewal. */
    stopRequestedAt: timestamp("stop_requested_at", { withTimezone: true }),
    stopReason: text("stop_reason"),
    /** Times the sweeper re-enqueued this turn (its job was lost or its worker died). */
    recoveryCount: integer("recovery_count").notNull().default(0),
    recoveredAt: timestamp("recovered_at", { withTimezone: true }),
    result: jsonb("result").$type<RunResult>(),
    error: jsonb("error").$type<TurnError>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      "turns_status_check",
      sql`${table.status} in ('queued', 'running', 'completed', 'failed', 'interrupted', 'cancelled')`,
    ),
    /** The invariant: at most one queued-or-running turn per session (409 SESSION_BUSY otherwise). */
    uniqueIndex("turns_session_id_active_key")
      .on(table.sessionId)
      .where(sql`${table.status} in ('queued', 'running')`),
    /** The sweeper: running turns whose lease lapsed, queued turns that lost their job. */
    index("turns_status_lease_expires_at_idx")
      .on(table.status, table.leaseExpiresAt)
      .where(sql`${table.status} in ('queued', 'running')`),
    /** Turns of a session in order. */
    index("turns_session_id_created_at_idx").on(table.sessionId, table.createdAt),
  ],
);
