export {
  createDb,
  type Db,
  type DbHandle,
  type DbOrTx,
  type DbSettings,
  type Tx,
} from "./client.js";
export { isDatabaseConnectionError, isDatabaseError } from "./connection-errors.js";
export { ensureDatabase, runMigrations, MIGRATIONS_FOLDER, MIGRATIONS_TABLE } from "./migrate.js";
export * from "./repositories/realms.js";
export * from "./repositories/sessions.js";
export * from "./repositories/turns.js";
export * from "./repositories/fence.js";
export * from "./repositories/events.js";
export * from "./repositories/checkpoints.js";
export * from "./repositories/compactions.js";
export * from "./repositories/tasks.js";
export * from "./repositories/memories.js";
export type { StepAssistant } from "./schema/turn-steps.js";
export * from "./repositories/inputs.js";
export * from "./repositories/requests.js";
export type { InputNotice } from "./schema/session-inputs.js";
export * from "./repositories/occurrence-delivery.js";
export * from "./repositories/schedule-targets.js";
export * from "./repositories/schedules.js";
