import { sql } from "drizzle-orm";
import {
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Semantic memory, searchable with Postgres full-text search (no external service): facts the
 * agent saved, and transcript content that compaction summarised away.
 */
export const memories = pgTable(
  "memories",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    sessionId: uuid("session_id"),
    /** The run (0-based turn count of the session) it came from, when known. */
    turn: integer("turn"),
    source: text("source").notNull(),
    content: text("content").notNull(),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', content)`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    /** memory_search: full-text match within a realm. */
    index("memories_search_idx").using("gin", table.search),
    index("memories_realm_id_created_at_idx").on(table.realmId, table.createdAt),
  ],
);
