export * from "./wire.js";
export * from "./errors.js";
export { assertScheduleLabels } from "./labels.js";
export {
  canonicalTarget,
  canonicalTrigger,
  sameJson,
  DEFAULT_HORIZON_DAYS,
  DEFAULT_HORIZON_OCCURRENCES,
  DEFAULT_MISFIRE_POLICY,
  DEFAULT_MISSING_TARGET_POLICY,
  DEFAULT_OVERLAP_POLICY,
} from "./definition.js";
export { definitionChanges, storedDefinition, type StoredDefinition } from "./revision.js";
export {
  planSchedule,
  planningCursor,
  nextReplanAt,
  refillDueHorizons,
  REPLAN_NEVER,
  type PlanResult,
  type RefillOptions,
} from "./planning.js";
export { projectOccurrence, projectReceipt, projectSchedule } from "./projections.js";
export {
  createSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
  type CreateOptions,
  type ListSchedulesOptions,
} from "./service.js";
export {
  deleteSchedule,
  listOccurrences,
  pauseSchedule,
  resumeSchedule,
  triggerNow,
} from "./lifecycle.js";
export { previewSchedule, DEFAULT_PREVIEW_COUNT } from "./preview.js";
export { resolveCurrentSession } from "./current-session.js";
export {
  callScheduleTool,
  scheduleToolDefinitions,
  SCHEDULE_TOOL_NAMES,
  type ScheduleToolContext,
  type ScheduleToolDefinition,
} from "./tools.js";
