import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sessions } from "./sessions.js";

/**
 * Summaries that replace the older part of a transcript in what the model sees. The full
 * transcript stays in `messages` (history is never rewritten); the newest row wins.
 */
export const sessionCompactions = pgTable(
  "session_compactions",
  {
    id: uuid("id").primaryKey(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    realmId: text("realm_id").notNull(),
    /** Messages with seq ≤ this are represented by `summary`. */
    throughSeq: integer("through_seq").notNull(),
    summary: text("summary").notNull(),
    summaryTokens: integer("summary_tokens").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    /** The latest compaction of a session. */
    index("session_compactions_session_id_created_at_idx").on(
      table.sessionId,
      table.createdAt.desc(),
    ),
  ],
);
