/**
 * Which changes make a new revision (§7.3): a value change of the trigger, the target or a
 * policy. Name, description, labels and horizons are metadata and keep the revision, so they
 * do not disturb planned occurrences.
 */
import type { ScheduleRow } from "../db/repositories/schedules.js";
import { sameJson } from "./definition.js";

/** The revision-affecting columns as stored. */
export interface StoredDefinition {
  trigger: Record<string, unknown>;
  target: Record<string, unknown>;
  misfirePolicy: Record<string, unknown>;
  overlapPolicy: string;
  missingTargetPolicy: string;
}

export function storedDefinition(row: ScheduleRow): StoredDefinition {
  return {
    trigger: row.trigger,
    target: row.target,
    misfirePolicy: row.misfirePolicy,
    overlapPolicy: row.overlapPolicy,
    missingTargetPolicy: row.missingTargetPolicy,
  };
}

/**
 * The fields of `patch` whose value differs from `current` (omitted ones are unchanged), and
 * whether that makes a new revision (any difference does).
 */
export function definitionChanges(
  current: StoredDefinition,
  patch: Partial<StoredDefinition>,
): { bump: boolean; changes: Partial<StoredDefinition> } {
  const changes: Partial<StoredDefinition> = {};
  for (const key of Object.keys(patch) as (keyof StoredDefinition)[]) {
    const next = patch[key];
    if (next !== undefined && !sameJson(current[key], next)) {
      Object.assign(changes, { [key]: next });
    }
  }
  return { bump: Object.keys(changes).length > 0, changes };
}
