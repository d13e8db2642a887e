import { sql } from "drizzle-orm";
import {
  boolean,
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

/**
 * A durable schedule rule (contract §7): trigger, target and policies as their wire JSON, plus
 * the planner's bookkeeping. `revision` bumps on every change of trigger, target or a policy.
 */
export const schedules = pgTable(
  "schedules",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    phase: text("phase").notNull().default("active"),
    revision: integer("revision").notNull().default(1),
    name: text("name"),
    description: text("description"),
    trigger: jsonb("trigger").$type<Record<string, unknown>>().notNull(),
    target: jsonb("target").$type<Record<string, unknown>>().notNull(),
    misfirePolicy: jsonb("misfire_policy").$type<Record<string, unknown>>().notNull(),
    overlapPolicy: text("overlap_policy").notNull(),
    missingTargetPolicy: text("missing_target_policy").notNull(),
    planningHorizonDays: integer("planning_horizon_days").notNull(),
    planningHorizonOccurrences: integer("planning_horizon_occurrences").notNull(),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
    nextOccurrenceOrdinal: integer("next_occurrence_ordinal").notNull().default(0),
    planningCursorAt: timestamp("planning_cursor_at", { withTimezone: true, precision: 3 }),
    /** When the planner should next refill this schedule's horizon. */
    replanAt: timestamp("replan_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true, precision: 3 }),
  },
  (table) => [
    check("schedules_phase_check", sql`${table.phase} in ('active', 'paused', 'deleted')`),
    /** GET /schedules: a realm's live schedules in creation order. */
    index("schedules_realm_id_created_at_idx")
      .on(table.realmId, table.createdAt)
      .where(sql`${table.phase} <> 'deleted'`),
    /** The planner: active schedules whose horizon needs a refill. */
    index("schedules_replan_at_idx")
      .on(table.replanAt)
      .where(sql`${table.phase} = 'active'`),
    index("schedules_labels_idx").using("gin", sql`${table.labels} jsonb_path_ops`),
  ],
);

/**
 * One planned delivery of a schedule revision. Claimed with FOR UPDATE SKIP LOCKED and a lease;
 * once its input is admitted to the target session it awaits the turn's end (no lease: the
 * worker reports completion), so a long delivery is never claimed twice.
 */
export const scheduleOccurrences = pgTable(
  "schedule_occurrences",
  {
    id: uuid("id").primaryKey(),
    realmId: text("realm_id").notNull(),
    scheduleId: uuid("schedule_id")
      .notNull()
      .references(() => schedules.id),
    scheduleRevision: integer("schedule_revision").notNull(),
    ordinal: integer("ordinal").notNull(),
    phase: text("phase").notNull().default("pending"),
    dueAt: timestamp("due_at", { withTimezone: true, precision: 3 }).notNull(),
    triggerSnapshot: jsonb("trigger_snapshot").$type<Record<string, unknown>>().notNull(),
    targetSnapshot: jsonb("target_snapshot").$type<Record<string, unknown>>().notNull(),
    misfirePolicy: jsonb("misfire_policy").$type<Record<string, unknown>>().notNull(),
    overlapPolicy: text("overlap_policy").notNull(),
    missingTargetPolicy: text("missing_target_policy").notNull(),
    claimedBy: text("claimed_by"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true, precision: 3 }),
    /** The inbox input (and so the turn) that carries the delivery. */
    deliveryCorrelationId: uuid("delivery_correlation_id"),
    /** The session the delivery ran in. */
    sessionId: uuid("session_id"),
    attemptCount: integer("attempt_count").notNull().default(0),
    failureClass: text("failure_class"),
    failureDetail: text("failure_detail"),
    runtimeOutcome: jsonb("runtime_outcome").$type<Record<string, unknown>>(),
    supersededByRevision: integer("superseded_by_revision"),
    /**
     * The schedule is paused: the occurrence stays pending but is out of the due index, so a
     * paused schedule's overdue backlog costs the scheduler's claim nothing. Set and cleared
     * under the schedule's row lock (pause, resume, and a claim released because of a pause).
     */
    held: boolean("held").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    claimedAt: timestamp("claimed_at", { withTimezone: true, precision: 3 }),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true, precision: 3 }),
    completedAt: timestamp("completed_at", { withTimezone: true, precision: 3 }),
  },
  (table) => [
    check(
      "schedule_occurrences_phase_check",
      sql`${table.phase} in ('pending', 'claimed', 'dispatching', 'awaiting_completion', 'completed', 'skipped', 'misfired', 'superseded', 'delivery_failed')`,
    ),
    /** Planning is idempotent: a revision plans each due time once. */
    uniqueIndex("schedule_occurrences_schedule_id_revision_due_at_key").on(
      table.scheduleId,
      table.scheduleRevision,
      table.dueAt,
    ),
    /** The claim and misfire queries: due pending occurrences of active schedules, oldest first. */
    index("schedule_occurrences_due_at_idx")
      .on(table.dueAt)
      .where(sql`${table.phase} = 'pending' and not ${table.held}`),
    /** Claims whose scheduler died: lease-holding phases by expiry. */
    index("schedule_occurrences_lease_expires_at_idx")
      .on(table.leaseExpiresAt)
      .where(sql`${table.phase} in ('claimed', 'dispatching')`),
    /** GET /schedules/{id}/occurrences in order. */
    index("schedule_occurrences_schedule_id_due_at_idx").on(table.scheduleId, table.dueAt),
  ],
);

/** The history of an occurrence: one receipt per stage it went through. */
export const scheduleReceipts = pgTable(
  "schedule_receipts",
  {
    id: uuid("id").primaryKey(),
    occurrenceId: uuid("occurrence_id")
      .notNull()
      .references(() => scheduleOccurrences.id),
    attempt: integer("attempt").notNull(),
    stage: text("stage").notNull(),
    correlationId: text("correlation_id"),
    detail: text("detail"),
    failureClass: text("failure_class"),
    runtimeOutcome: jsonb("runtime_outcome").$type<Record<string, unknown>>(),
    materializedSessionId: uuid("materialized_session_id"),
    recordedAt: timestamp("recorded_at", { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (table) => [
    index("schedule_receipts_occurrence_id_recorded_at_idx").on(
      table.occurrenceId,
      table.recordedAt,
    ),
  ],
);
