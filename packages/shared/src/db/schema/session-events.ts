import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { AgentEvent } from "../../domain/events.js";
import { sessions } from "./sessions.js";

/**
 * Every agent event of a session, keyed by its per-session `seq`: the replay source for SSE
 * clients resuming with Last-Event-ID, and the proof that what was streamed was committed.
 */
export const sessionEvents = pgTable(
  "session_events",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    seq: bigint("seq", { mode: "number" }).notNull(),
    realmId: text("realm_id").notNull(),
    eventId: uuid("event_id").notNull(),
    turnId: uuid("turn_id"),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<AgentEvent>().notNull(),
    emittedAt: timestamp("emitted_at", { withTimezone: true, precision: 3 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "session_events_pkey", columns: [table.sessionId, table.seq] }),
    /** Retention pruning by age. */
    index("session_events_created_at_idx").on(table.createdAt),
  ],
);
