CREATE TABLE "schedule_occurrences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"schedule_id" uuid NOT NULL,
	"schedule_revision" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"phase" text DEFAULT 'pending' NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"trigger_snapshot" jsonb NOT NULL,
	"target_snapshot" jsonb NOT NULL,
	"misfire_policy" jsonb NOT NULL,
	"overlap_policy" text NOT NULL,
	"missing_target_policy" text NOT NULL,
	"claimed_by" text,
	"lease_expires_at" timestamp (3) with time zone,
	"delivery_correlation_id" uuid,
	"session_id" uuid,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"failure_class" text,
	"failure_detail" text,
	"runtime_outcome" jsonb,
	"superseded_by_revision" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp (3) with time zone,
	"dispatched_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	CONSTRAINT "schedule_occurrences_phase_check" CHECK ("schedule_occurrences"."phase" in ('pending', 'claimed', 'dispatching', 'awaiting_completion', 'completed', 'skipped', 'misfired', 'superseded', 'delivery_failed'))
);
--> statement-breakpoint
CREATE TABLE "schedule_receipts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"occurrence_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"stage" text NOT NULL,
	"correlation_id" text,
	"detail" text,
	"failure_class" text,
	"runtime_outcome" jsonb,
	"materialized_session_id" uuid,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"phase" text DEFAULT 'active' NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"name" text,
	"description" text,
	"trigger" jsonb NOT NULL,
	"target" jsonb NOT NULL,
	"misfire_policy" jsonb NOT NULL,
	"overlap_policy" text NOT NULL,
	"missing_target_policy" text NOT NULL,
	"planning_horizon_days" integer NOT NULL,
	"planning_horizon_occurrences" integer NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"next_occurrence_ordinal" integer DEFAULT 0 NOT NULL,
	"planning_cursor_at" timestamp (3) with time zone,
	"replan_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone,
	CONSTRAINT "schedules_phase_check" CHECK ("schedules"."phase" in ('active', 'paused', 'deleted'))
);
--> statement-breakpoint
ALTER TABLE "session_inputs" ADD COLUMN "occurrence_id" uuid;--> statement-breakpoint
ALTER TABLE "schedule_occurrences" ADD CONSTRAINT "schedule_occurrences_schedule_id_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_receipts" ADD CONSTRAINT "schedule_receipts_occurrence_id_schedule_occurrences_id_fk" FOREIGN KEY ("occurrence_id") REFERENCES "public"."schedule_occurrences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "schedule_occurrences_schedule_id_revision_due_at_key" ON "schedule_occurrences" USING btree ("schedule_id","schedule_revision","due_at");--> statement-breakpoint
CREATE INDEX "schedule_occurrences_due_at_idx" ON "schedule_occurrences" USING btree ("due_at") WHERE "schedule_occurrences"."phase" = 'pending';--> statement-breakpoint
CREATE INDEX "schedule_occurrences_lease_expires_at_idx" ON "schedule_occurrences" USING btree ("lease_expires_at") WHERE "schedule_occurrences"."phase" in ('claimed', 'dispatching');--> statement-breakpoint
CREATE INDEX "schedule_occurrences_schedule_id_due_at_idx" ON "schedule_occurrences" USING btree ("schedule_id","due_at");--> statement-breakpoint
CREATE INDEX "schedule_receipts_occurrence_id_recorded_at_idx" ON "schedule_receipts" USING btree ("occurrence_id","recorded_at");--> statement-breakpoint
CREATE INDEX "schedules_realm_id_created_at_idx" ON "schedules" USING btree ("realm_id","created_at") WHERE "schedules"."phase" <> 'deleted';--> statement-breakpoint
CREATE INDEX "schedules_replan_at_idx" ON "schedules" USING btree ("replan_at") WHERE "schedules"."phase" = 'active';--> statement-breakpoint
CREATE INDEX "schedules_labels_idx" ON "schedules" USING gin ("labels" jsonb_path_ops);