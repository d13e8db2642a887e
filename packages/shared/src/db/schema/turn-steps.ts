import {
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { StopReason } from "../../domain/messages.js";
import type { Usage } from "../../domain/usage.js";
import { turns } from "./turns.js";

export interface StepAssistant {
  text: string;
  toolCalls: { id: string; name: string; args: Record<string, unknown> }[];
  stopReason: StopReason;
  reasoning?: string | undefined;
}

/**
 * Checkpoints of a running turn: each completed model call (its assistant message and usage).
 * A worker that re-claims a turn after a crash resumes after the last checkpoint instead of
 * calling the model again. Written fenced by the lease epoch.
 */
export const turnSteps = pgTable(
  "turn_steps",
  {
    turnId: uuid("turn_id")
      .notNull()
      .references(() => turns.id),
    step: integer("step").notNull(),
    realmId: text("realm_id").notNull(),
    /** The lease epoch of the attempt that wrote it. */
    epoch: integer("epoch").notNull(),
    assistant: jsonb("assistant").$type<StepAssistant>().notNull(),
    usage: jsonb("usage").$type<Usage>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: "turn_steps_pkey", columns: [table.turnId, table.step] })],
);

/**
 * The result of every tool call a turn completed, keyed by the provider's call id: a re-run of
 * the turn after a crash reuses these instead of running the tool again.
 */
export const turnToolCalls = pgTable(
  "turn_tool_calls",
  {
    turnId: uuid("turn_id")
      .notNull()
      .references(() => turns.id),
    callId: text("call_id").notNull(),
    step: integer("step").notNull(),
    realmId: text("realm_id").notNull(),
    name: text("name").notNull(),
    args: jsonb("args").$type<Record<string, unknown>>().notNull(),
    content: text("content").notNull(),
    isError: boolean("is_error").notNull(),
    durationMs: integer("duration_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: "turn_tool_calls_pkey", columns: [table.turnId, table.callId] })],
);
