DROP INDEX "schedule_occurrences_due_at_idx";--> statement-breakpoint
ALTER TABLE "schedule_occurrences" ADD COLUMN "held" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Pending occurrences of schedules that are paused now are held until their schedule resumes.
UPDATE "schedule_occurrences" o SET "held" = true FROM "schedules" s WHERE s."id" = o."schedule_id" AND s."phase" = 'paused' AND o."phase" = 'pending';--> statement-breakpoint
CREATE INDEX "schedule_occurrences_due_at_idx" ON "schedule_occurrences" USING btree ("due_at") WHERE "schedule_occurrences"."phase" = 'pending' and not "schedule_occurrences"."held";
