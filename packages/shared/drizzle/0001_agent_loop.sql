CREATE TABLE "turn_steps" (
	"turn_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"realm_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"assistant" jsonb NOT NULL,
	"usage" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "turn_steps_pkey" PRIMARY KEY("turn_id","step")
);
--> statement-breakpoint
CREATE TABLE "turn_tool_calls" (
	"turn_id" uuid NOT NULL,
	"call_id" text NOT NULL,
	"step" integer NOT NULL,
	"realm_id" text NOT NULL,
	"name" text NOT NULL,
	"args" jsonb NOT NULL,
	"content" text NOT NULL,
	"is_error" boolean NOT NULL,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "turn_tool_calls_pkey" PRIMARY KEY("turn_id","call_id")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"subject" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"blocks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"blocked_by" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"owner" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by_session" uuid,
	"updated_by_session" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" in ('pending', 'in_progress', 'completed')),
	CONSTRAINT "tasks_priority_check" CHECK ("tasks"."priority" in ('low', 'medium', 'high'))
);
--> statement-breakpoint
CREATE TABLE "memories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"realm_id" text NOT NULL,
	"session_id" uuid,
	"turn" integer,
	"source" text NOT NULL,
	"content" text NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', content)) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_compactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"realm_id" text NOT NULL,
	"through_seq" integer NOT NULL,
	"summary" text NOT NULL,
	"summary_tokens" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "turn_steps" ADD CONSTRAINT "turn_steps_turn_id_turns_id_fk" FOREIGN KEY ("turn_id") REFERENCES "public"."turns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "turn_tool_calls" ADD CONSTRAINT "turn_tool_calls_turn_id_turns_id_fk" FOREIGN KEY ("turn_id") REFERENCES "public"."turns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_compactions" ADD CONSTRAINT "session_compactions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_realm_id_status_idx" ON "tasks" USING btree ("realm_id","status","created_at");--> statement-breakpoint
CREATE INDEX "memories_search_idx" ON "memories" USING gin ("search");--> statement-breakpoint
CREATE INDEX "memories_realm_id_created_at_idx" ON "memories" USING btree ("realm_id","created_at");--> statement-breakpoint
CREATE INDEX "session_compactions_session_id_created_at_idx" ON "session_compactions" USING btree ("session_id","created_at" DESC NULLS LAST);