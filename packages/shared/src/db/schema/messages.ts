import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { TranscriptMessage } from "../../domain/messages.js";
import { sessions } from "./sessions.js";

/** The committed transcript, one row per message, ordered by `seq` (0-based). */
export const messages = pgTable(
  "messages",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    seq: integer("seq").notNull(),
    realmId: text("realm_id").notNull(),
    turnId: uuid("turn_id"),
    role: text("role").notNull(),
    body: jsonb("body").$type<TranscriptMessage>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: "messages_pkey", columns: [table.sessionId, table.seq] })],
);
