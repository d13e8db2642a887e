/**
 * The task tools' pure rules: the wire shape of a task, and how task_update's arguments change a
 * stored task (merge metadata, add/remove ids). No I/O, so every rule is unit-tested.
 */
import type { TaskChanges, TaskPriority, TaskRow, TaskStatus } from "@meerkat/shared/db";

export const TASK_STATUSES = ["pending", "in_progress", "completed"] as const;
export const TASK_PRIORITIES = ["low", "medium", "high"] as const;

/** A task as the model sees it (contract §11.5). Optional fields are omitted when unset. */
export interface TaskJson {
  id: string;
  subject: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  labels: string[];
  blocks: string[];
  blocked_by: string[];
  created_at: string;
  updated_at: string;
  created_by_session?: string;
  updated_by_session?: string;
  owner?: string;
  metadata: Record<string, unknown>;
}

export function toTaskJson(row: TaskRow): TaskJson {
  return {
    id: row.id,
    subject: row.subject,
    description: row.description,
    status: row.status as TaskStatus,
    priority: row.priority as TaskPriority,
    labels: row.labels,
    blocks: row.blocks,
    blocked_by: row.blockedBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    ...(row.createdBySession ? { created_by_session: row.createdBySession } : {}),
    ...(row.updatedBySession ? { updated_by_session: row.updatedBySession } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    metadata: row.metadata,
  };
}

export interface TaskCreateArgs {
  subject: string;
  description: string;
  priority?: TaskPriority;
  labels?: string[];
  blocks?: string[];
  blocked_by?: string[];
  owner?: string;
  metadata?: Record<string, unknown>;
}

export interface TaskUpdateArgs {
  id: string;
  subject?: string;
  description?: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  labels?: string[];
  /** A string sets the owner; null clears it. */
  owner?: string | null;
  /** Merged into the stored metadata; a null value deletes that key. */
  metadata?: Record<string, unknown>;
  add_blocks?: string[];
  remove_blocks?: string[];
  add_blocked_by?: string[];
  remove_blocked_by?: string[];
}

/** Removes duplicates, keeping the first occurrence's order. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** `current` plus `add` (appended, no duplicates) minus `remove`; order is kept. */
export function editIdList(
  current: readonly string[],
  add: readonly string[] | undefined,
  remove: readonly string[] | undefined,
): string[] {
  const removed = new Set(remove ?? []);
  return unique([...current, ...(add ?? [])]).filter((id) => !removed.has(id));
}

/** Shallow merge where a null value deletes the key (as the contract's task_update says). */
export function mergeMetadata(
  current: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(merged, key);
    else merged[key] = value;
  }
  return merged;
}

/** The column changes task_update's arguments make to the stored task. */
export function taskChanges(current: TaskRow, args: TaskUpdateArgs): TaskChanges {
  const changes: TaskChanges = {};
  if (args.subject !== undefined) changes.subject = args.subject;
  if (args.description !== undefined) changes.description = args.description;
  if (args.status !== undefined) changes.status = args.status;
  if (args.priority !== undefined) changes.priority = args.priority;
  if (args.labels !== undefined) changes.labels = unique(args.labels);
  if (args.owner !== undefined) changes.owner = args.owner;
  if (args.metadata !== undefined)
    changes.metadata = mergeMetadata(current.metadata, args.metadata);
  if (args.add_blocks !== undefined || args.remove_blocks !== undefined) {
    changes.blocks = editIdList(current.blocks, args.add_blocks, args.remove_blocks);
  }
  if (args.add_blocked_by !== undefined || args.remove_blocked_by !== undefined) {
    changes.blockedBy = editIdList(current.blockedBy, args.add_blocked_by, args.remove_blocked_by);
  }
  return changes;
}

/** Metadata stored on create: null values mean "no such key", as on update. */
export function initialMetadata(
  metadata: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return mergeMetadata({}, metadata ?? {});
}
