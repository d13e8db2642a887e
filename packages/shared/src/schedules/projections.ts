/**
 * Rows to wire shapes (§7.2). Timestamps are RFC 3339 UTC strings (`*_utc`); optional fields
 * are omitted rather than null; `superseded_ack_ids` (internal bookkeeping) is never shown.
 */
import type { OccurrenceRow, ReceiptRow, ScheduleRow } from "../db/repositories/schedules.js";
import type {
  DeliveryReceipt,
  MissingTargetPolicy,
  MisfirePolicy,
  Occurrence,
  OccurrencePhase,
  OverlapPolicy,
  ReceiptStage,
  Schedule,
  SchedulePhase,
} from "./wire.js";

type FailureClass = NonNullable<Occurrence["failure_class"]>;

const utc = (date: Date): string => date.toISOString();

/** `{ [key]: value }` when the value is present, else `{}` (for spreading optional fields). */
function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return value === null || value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

export function projectSchedule(row: ScheduleRow): Schedule {
  return {
    schedule_id: row.id,
    phase: row.phase as SchedulePhase,
    revision: row.revision,
    trigger: row.trigger as unknown as Schedule["trigger"],
    target: row.target as unknown as Schedule["target"],
    misfire_policy: row.misfirePolicy as unknown as MisfirePolicy,
    overlap_policy: row.overlapPolicy as OverlapPolicy,
    missing_target_policy: row.missingTargetPolicy as MissingTargetPolicy,
    next_occurrence_ordinal: row.nextOccurrenceOrdinal,
    ...optional("planning_cursor_utc", row.planningCursorAt && utc(row.planningCursorAt)),
    ...optional("name", row.name),
    ...optional("description", row.description),
    planning_horizon_days: row.planningHorizonDays,
    planning_horizon_occurrences: row.planningHorizonOccurrences,
    labels: row.labels,
    created_at_utc: utc(row.createdAt),
    updated_at_utc: utc(row.updatedAt),
    ...optional("deleted_at_utc", row.deletedAt && utc(row.deletedAt)),
  };
}

export function projectReceipt(row: ReceiptRow): DeliveryReceipt {
  return {
    receipt_id: row.id,
    occurrence_id: row.occurrenceId,
    attempt: row.attempt,
    stage: row.stage as ReceiptStage,
    recorded_at_utc: utc(row.recordedAt),
    ...optional("correlation_id", row.correlationId),
    ...optional("detail", row.detail),
    ...optional("failure_class", row.failureClass as FailureClass | null),
    ...optional("runtime_outcome", row.runtimeOutcome),
    ...optional("materialized_session_id", row.materializedSessionId),
  };
}

export function projectOccurrence(row: OccurrenceRow, lastReceipt?: ReceiptRow): Occurrence {
  return {
    occurrence_id: row.id,
    schedule_id: row.scheduleId,
    schedule_revision: row.scheduleRevision,
    occurrence_ordinal: row.ordinal,
    phase: row.phase as OccurrencePhase,
    due_at_utc: utc(row.dueAt),
    trigger_snapshot: row.triggerSnapshot as unknown as Occurrence["trigger_snapshot"],
    target_snapshot: row.targetSnapshot as unknown as Occurrence["target_snapshot"],
    misfire_policy: row.misfirePolicy as unknown as MisfirePolicy,
    overlap_policy: row.overlapPolicy as OverlapPolicy,
    missing_target_policy: row.missingTargetPolicy as MissingTargetPolicy,
    ...optional("claimed_by", row.claimedBy),
    ...optional("lease_expires_at_utc", row.leaseExpiresAt && utc(row.leaseExpiresAt)),
    ...optional("delivery_correlation_id", row.deliveryCorrelationId),
    ...optional("session_id", row.sessionId),
    ...optional("last_receipt", lastReceipt && projectReceipt(lastReceipt)),
    ...optional("failure_class", row.failureClass as FailureClass | null),
    ...optional("runtime_outcome", row.runtimeOutcome),
    ...optional("failure_detail", row.failureDetail),
    attempt_count: row.attemptCount,
    created_at_utc: utc(row.createdAt),
    ...optional("claimed_at_utc", row.claimedAt && utc(row.claimedAt)),
    ...optional("dispatched_at_utc", row.dispatchedAt && utc(row.dispatchedAt)),
    ...optional("completed_at_utc", row.completedAt && utc(row.completedAt)),
    ...optional("superseded_by_revision", row.supersededByRevision),
  };
}
