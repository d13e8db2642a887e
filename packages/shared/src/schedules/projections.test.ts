import { describe, expect, it } from "vitest";
import type { OccurrenceRow, ReceiptRow, ScheduleRow } from "../db/repositories/schedules.js";
import { projectOccurrence, projectReceipt, projectSchedule } from "./projections.js";

const at = (iso: string) => new Date(iso);
const trigger = { type: "once", due_at_utc: "2026-05-01T09:00:00.000Z" };
const target = {
  target_kind: "session",
  type: "exact_session",
  session_id: "0190f5c2-0000-7000-8000-000000000001",
  action: { type: "prompt", prompt: "hi" },
};

const schedule: ScheduleRow = {
  id: "0190f5c2-0000-7000-8000-0000000000aa",
  realmId: "realm-a",
  phase: "active",
  revision: 2,
  name: null,
  description: null,
  trigger,
  target,
  misfirePolicy: { type: "skip" },
  overlapPolicy: "skip_if_running",
  missingTargetPolicy: "mark_misfired",
  planningHorizonDays: 30,
  planningHorizonOccurrences: 64,
  labels: {},
  nextOccurrenceOrdinal: 1,
  planningCursorAt: null,
  replanAt: at("2026-04-01T00:00:00Z"),
  createdAt: at("2026-04-01T00:00:00Z"),
  updatedAt: at("2026-04-02T00:00:00Z"),
  deletedAt: null,
};

const occurrence: OccurrenceRow = {
  id: "0190f5c2-0000-7000-8000-0000000000bb",
  realmId: "realm-a",
  scheduleId: schedule.id,
  scheduleRevision: 2,
  ordinal: 0,
  phase: "pending",
  dueAt: at("2026-05-01T09:00:00Z"),
  triggerSnapshot: trigger,
  targetSnapshot: target,
  misfirePolicy: { type: "skip" },
  overlapPolicy: "skip_if_running",
  missingTargetPolicy: "mark_misfired",
  claimedBy: null,
  leaseExpiresAt: null,
  deliveryCorrelationId: null,
  sessionId: null,
  attemptCount: 0,
  failureClass: null,
  failureDetail: null,
  runtimeOutcome: null,
  supersededByRevision: null,
  held: false,
  createdAt: at("2026-04-02T00:00:00Z"),
  claimedAt: null,
  dispatchedAt: null,
  completedAt: null,
};

const receipt: ReceiptRow = {
  id: "0190f5c2-0000-7000-8000-0000000000cc",
  occurrenceId: occurrence.id,
  attempt: 0,
  stage: "planned",
  correlationId: null,
  detail: null,
  failureClass: null,
  runtimeOutcome: null,
  materializedSessionId: null,
  recordedAt: at("2026-04-02T00:00:00Z"),
};

describe("schedule projections", () => {
  it("projects a schedule with RFC 3339 *_utc fields and omits what is absent", () => {
    const wire = projectSchedule(schedule);
    expect(wire).toEqual({
      schedule_id: schedule.id,
      phase: "active",
      revision: 2,
      trigger,
      target,
      misfire_policy: { type: "skip" },
      overlap_policy: "skip_if_running",
      missing_target_policy: "mark_misfired",
      next_occurrence_ordinal: 1,
      planning_horizon_days: 30,
      planning_horizon_occurrences: 64,
      labels: {},
      created_at_utc: "2026-04-01T00:00:00.000Z",
      updated_at_utc: "2026-04-02T00:00:00.000Z",
    });
    expect(wire).not.toHaveProperty("superseded_ack_ids");
    expect(wire).not.toHaveProperty("planning_cursor_utc");
  });

  it("shows the optional schedule fields when they are set", () => {
    const wire = projectSchedule({
      ...schedule,
      phase: "deleted",
      name: "digest",
      description: "daily",
      labels: { team: "red" },
      planningCursorAt: at("2026-05-01T09:00:00Z"),
      deletedAt: at("2026-04-03T00:00:00Z"),
    });
    expect(wire).toMatchObject({
      name: "digest",
      description: "daily",
      labels: { team: "red" },
      planning_cursor_utc: "2026-05-01T09:00:00.000Z",
      deleted_at_utc: "2026-04-03T00:00:00.000Z",
    });
  });

  it("projects a pending occurrence with its last receipt", () => {
    const wire = projectOccurrence(occurrence, receipt);
    expect(wire).toEqual({
      occurrence_id: occurrence.id,
      schedule_id: schedule.id,
      schedule_revision: 2,
      occurrence_ordinal: 0,
      phase: "pending",
      due_at_utc: "2026-05-01T09:00:00.000Z",
      trigger_snapshot: trigger,
      target_snapshot: target,
      misfire_policy: { type: "skip" },
      overlap_policy: "skip_if_running",
      missing_target_policy: "mark_misfired",
      last_receipt: {
        receipt_id: receipt.id,
        occurrence_id: occurrence.id,
        attempt: 0,
        stage: "planned",
        recorded_at_utc: "2026-04-02T00:00:00.000Z",
      },
      attempt_count: 0,
      created_at_utc: "2026-04-02T00:00:00.000Z",
    });
  });

  it("projects a finished delivery with its session, failure and timestamps", () => {
    const wire = projectOccurrence({
      ...occurrence,
      phase: "delivery_failed",
      claimedBy: "scheduler-1",
      deliveryCorrelationId: "0190f5c2-0000-7000-8000-0000000000dd",
      sessionId: "0190f5c2-0000-7000-8000-000000000001",
      attemptCount: 1,
      failureClass: "runtime_rejected",
      failureDetail: "turn failed",
      runtimeOutcome: { kind: "completion_runtime_terminated", detail: "turn failed" },
      claimedAt: at("2026-05-01T09:00:01Z"),
      dispatchedAt: at("2026-05-01T09:00:02Z"),
      completedAt: at("2026-05-01T09:00:03Z"),
      supersededByRevision: null,
    });
    expect(wire).toMatchObject({
      claimed_by: "scheduler-1",
      session_id: "0190f5c2-0000-7000-8000-000000000001",
      failure_class: "runtime_rejected",
      failure_detail: "turn failed",
      runtime_outcome: { kind: "completion_runtime_terminated" },
      claimed_at_utc: "2026-05-01T09:00:01.000Z",
      dispatched_at_utc: "2026-05-01T09:00:02.000Z",
      completed_at_utc: "2026-05-01T09:00:03.000Z",
      attempt_count: 1,
    });
    expect(wire).not.toHaveProperty("last_receipt");
    expect(wire).not.toHaveProperty("superseded_by_revision");
    expect(wire).not.toHaveProperty("lease_expires_at_utc");
  });

  it("projects receipts with their optional fields", () => {
    expect(
      projectReceipt({
        ...receipt,
        stage: "superseded",
        detail: "superseded by revision 3",
        correlationId: "c",
        materializedSessionId: "m",
      }),
    ).toMatchObject({
      stage: "superseded",
      detail: "superseded by revision 3",
      correlation_id: "c",
      materialized_session_id: "m",
    });
  });
});
