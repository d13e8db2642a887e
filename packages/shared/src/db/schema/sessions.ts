import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { SessionSettings } from "../../domain/settings.js";
import { realms } from "./realms.js";

/** A durable, realm-scoped conversation: settings, cumulative usage and the event counter. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id),
    instanceId: text("instance_id"),
    model: text("model").notNull(),
    provider: text("provider").notNull(),
    settings: jsonb("settings").$type<SessionSettings>().notNull(),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
    messageCount: integer("message_count").notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    cacheCreationTokens: bigint("cache_creation_tokens", { mode: "number" }).notNull().default(0),
    cacheReadTokens: bigint("cache_read_tokens", { mode: "number" }).notNull().default(0),
    lastAssistantText: text("last_assistant_text"),
    /**
     * Highest event seq allocated for this session. Event writers bump it in the transaction
     * that inserts the events, so seqs are gap-free in commit order.
     */
    eventSeq: bigint("event_seq", { mode: "number" }).notNull().default(0),
    /** Events with seq ≤ this were pruned; older cursors get `resync_required`. */
    eventsPrunedThrough: bigint("events_pruned_through", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Archived sessions are hidden from list/get/continue; their history stays readable. */
    archivedAt: timestamp("archived_at", { withTimezone: true }),
  },
  (table) => [
    /** GET /sessions: live sessions of a realm, most recently updated first. */
    index("sessions_realm_id_updated_at_idx")
      .on(table.realmId, table.updatedAt.desc(), table.id)
      .where(sql`${table.archivedAt} is null`),
    /** Label filters (`labels @> '{"k":"v"}'`). */
    index("sessions_labels_idx").using("gin", sql`${table.labels} jsonb_path_ops`),
  ],
);
