CREATE TABLE "realms" (
	"id" text PRIMARY KEY NOT NULL,
	"backend" text DEFAULT 'postgres' NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"config_generation" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"instance_id" text,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"settings" jsonb NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"message_count" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_creation_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"last_assistant_text" text,
	"event_seq" bigint DEFAULT 0 NOT NULL,
	"events_pruned_through" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "turns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"session_id" uuid NOT NULL,
	"kind" text DEFAULT 'prompt' NOT NULL,
	"status" text NOT NULL,
	"input" jsonb NOT NULL,
	"request_id" text,
	"lease_owner" text,
	"lease_epoch" integer DEFAULT 0 NOT NULL,
	"lease_expires_at" timestamp with time zone,
	"attempt" integer DEFAULT 0 NOT NULL,
	"stop_requested_at" timestamp with time zone,
	"stop_reason" text,
	"recovery_count" integer DEFAULT 0 NOT NULL,
	"recovered_at" timestamp with time zone,
	"result" jsonb,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "turns_status_check" CHECK ("turns"."status" in ('queued', 'running', 'completed', 'failed', 'interrupted', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"realm_id" text NOT NULL,
	"turn_id" uuid,
	"role" text NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_pkey" PRIMARY KEY("session_id","seq")
);
--> statement-breakpoint
CREATE TABLE "session_events" (
	"session_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"realm_id" text NOT NULL,
	"event_id" uuid NOT NULL,
	"turn_id" uuid,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"emitted_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_events_pkey" PRIMARY KEY("session_id","seq")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_realm_id_realms_id_fk" FOREIGN KEY ("realm_id") REFERENCES "public"."realms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "turns" ADD CONSTRAINT "turns_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_realm_id_updated_at_idx" ON "sessions" USING btree ("realm_id","updated_at" DESC NULLS LAST,"id") WHERE "sessions"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "sessions_labels_idx" ON "sessions" USING gin ("labels" jsonb_path_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "turns_session_id_active_key" ON "turns" USING btree ("session_id") WHERE "turns"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "turns_status_lease_expires_at_idx" ON "turns" USING btree ("status","lease_expires_at") WHERE "turns"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "turns_session_id_created_at_idx" ON "turns" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "session_events_created_at_idx" ON "session_events" USING btree ("created_at");