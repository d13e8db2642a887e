CREATE TABLE "session_inputs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"session_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"handling_mode" text DEFAULT 'queue' NOT NULL,
	"idempotency_key" text,
	"notice" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"turn_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "session_inputs_status_check" CHECK ("session_inputs"."status" in ('pending', 'consumed')),
	CONSTRAINT "session_inputs_handling_mode_check" CHECK ("session_inputs"."handling_mode" in ('queue', 'steer'))
);
--> statement-breakpoint
CREATE TABLE "session_system_context" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"session_id" uuid NOT NULL,
	"idempotency_key" text,
	"text" text NOT NULL,
	"source" text,
	"status" text DEFAULT 'staged' NOT NULL,
	"applied_turn_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone,
	CONSTRAINT "session_system_context_status_check" CHECK ("session_system_context"."status" in ('staged', 'applied'))
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"request_id" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"kind" text NOT NULL,
	"session_id" uuid,
	"turn_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "requests_state_check" CHECK ("requests"."state" in ('pending', 'published', 'cancelled', 'completed'))
);
--> statement-breakpoint
ALTER TABLE "session_inputs" ADD CONSTRAINT "session_inputs_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_system_context" ADD CONSTRAINT "session_system_context_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_inputs_session_id_idempotency_key_key" ON "session_inputs" USING btree ("session_id","idempotency_key") WHERE "session_inputs"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "session_inputs_session_id_created_at_idx" ON "session_inputs" USING btree ("session_id","created_at") WHERE "session_inputs"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "session_system_context_session_id_idempotency_key_key" ON "session_system_context" USING btree ("session_id","idempotency_key") WHERE "session_system_context"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "session_system_context_session_id_created_at_idx" ON "session_system_context" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "requests_realm_id_request_id_pending_key" ON "requests" USING btree ("realm_id","request_id") WHERE "requests"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "requests_realm_id_request_id_created_at_idx" ON "requests" USING btree ("realm_id","request_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "requests_turn_id_idx" ON "requests" USING btree ("turn_id");