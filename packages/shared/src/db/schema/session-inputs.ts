import { sql } from "drizzle-orm";
import {
  check,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { sessions } from "./sessions.js";

export interface InputNotice {
  /** Text the model sees for this input. */
  body: string;
  /** Structured form (the transcript's system_notice blocks). */
  blocks: Record<string, unknown>[];
}

/**
 * A session's inbox: external events, peer responses, comms messages and scheduled events
 * waiting for a turn. Admission is durable (the API answers 202 after the insert commits); a
 * turn consumes the pending inputs in the same transaction that commits its outcome.
 */
export const sessionInputs = pgTable(
  "session_inputs",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    kind: text("kind").notNull(),
    /** "external:<event_type>", "peer:<peer_id>", "comms:<sender>", "schedule:<id>" … */
    source: text("source").notNull(),
    /** queue: delivered at the next turn; steer: injected at the next step of a running turn. */
    handlingMode: text("handling_mode").notNull().default("queue"),
    idempotencyKey: text("idempotency_key"),
    notice: jsonb("notice").$type<InputNotice>().notNull(),
    status: text("status").notNull().default("pending"),
    /** The turn that consumed it. */
    turnId: uuid("turn_id"),
    /** The schedule occurrence this input delivers (its completion follows the turn's). */
    occurrenceId: uuid("occurrence_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
  },
  (table) => [
    check("session_inputs_status_check", sql`${table.status} in ('pending', 'consumed')`),
    check("session_inputs_handling_mode_check", sql`${table.handlingMode} in ('queue', 'steer')`),
    /** A repeated Idempotency-Key is acknowledged and not queued twice. */
    uniqueIndex("session_inputs_session_id_idempotency_key_key")
      .on(table.sessionId, table.idempotencyKey)
      .where(sql`${table.idempotencyKey} is not null`),
    /** The pending inbox of a session, oldest first (capacity checks and consumption). */
    index("session_inputs_session_id_created_at_idx")
      .on(table.sessionId, table.createdAt)
      .where(sql`${table.status} = 'pending'`),
  ],
);

/**
 * Runtime system context (POST /sessions/{id}/system_context): staged, then appended to the
 * system prompt at the start of the next turn.
 */
export const sessionSystemContext = pgTable(
  "session_system_context",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    idempotencyKey: text("idempotency_key"),
    text: text("text").notNull(),
    source: text("source"),
    status: text("status").notNull().default("staged"),
    appliedTurnId: uuid("applied_turn_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
  },
  (table) => [
    check("session_system_context_status_check", sql`${table.status} in ('staged', 'applied')`),
    /** Idempotency per session: same key + same text/source = duplicate, else 409. */
    uniqueIndex("session_system_context_session_id_idempotency_key_key")
      .on(table.sessionId, table.idempotencyKey)
      .where(sql`${table.idempotencyKey} is not null`),
    index("session_system_context_session_id_created_at_idx").on(table.sessionId, table.createdAt),
  ],
);
