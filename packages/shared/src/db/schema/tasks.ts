import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** The builtin task tools' store: realm-wide, so sessions of a realm share their task list. */
export const tasks = pgTable(
  "tasks",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    subject: text("subject").notNull(),
    description: text("description").notNull().default(""),
    status: text("status").notNull().default("pending"),
    priority: text("priority").notNull().default("medium"),
    labels: jsonb("labels").$type<string[]>().notNull().default([]),
    blocks: jsonb("blocks").$type<string[]>().notNull().default([]),
    blockedBy: jsonb("blocked_by").$type<string[]>().notNull().default([]),
    owner: text("owner"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdBySession: uuid("created_by_session"),
    updatedBySession: uuid("updated_by_session"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check("tasks_status_check", sql`${table.status} in ('pending', 'in_progress', 'completed')`),
    check("tasks_priority_check", sql`${table.priority} in ('low', 'medium', 'high')`),
    /** task_list: a realm's tasks by status. */
    index("tasks_realm_id_status_idx").on(table.realmId, table.status, table.createdAt),
  ],
);
