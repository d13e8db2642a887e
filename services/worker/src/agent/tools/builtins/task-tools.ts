/**
 * task_create / task_get / task_list / task_update: a task list shared by every session of a
 * realm (stored in Postgres), so agents can plan work and hand it over between sessions.
 */
import {
  findTask,
  insertTask,
  listTasks,
  updateTaskLocked,
  type TaskRow,
  type TaskStatus,
} from "@meerkat/shared/db";
import { isUuid } from "@meerkat/shared/domain";
import { toolError, toolJson, type Tool, type ToolCallContext, type ToolOutput } from "../types.js";
import { callScopedUuid } from "./call-id.js";
import {
  initialMetadata,
  taskChanges,
  toTaskJson,
  unique,
  type TaskCreateArgs,
  type TaskUpdateArgs,
} from "./task-model.js";
import {
  taskCreateSchema,
  taskGetSchema,
  taskListSchema,
  taskUpdateSchema,
} from "./task-schemas.js";

function notFound(id: string): ToolOutput {
  return toolError(`Task not found: ${id}. Use task_list to see the ids of this realm's tasks.`);
}

/** Ids are UUIDs; anything else cannot exist (and would be a query error in Postgres). */
async function loadTask(ctx: ToolCallContext, id: string): Promise<TaskRow | undefined> {
  if (!isUuid(id)) return undefined;
  return findTask(ctx.run.db, ctx.run.session.realmId, id);
}

const taskCreate: Tool = {
  name: "task_create",
  description:
    "Create a task in the task list shared by all sessions of this realm. Use it to plan " +
    "multi-step work, record follow-ups or hand work to another agent. Returns the task with " +
    "its id; its status starts as pending.",
  inputSchema: taskCreateSchema,
  async execute(raw, ctx) {
    const args = raw as unknown as TaskCreateArgs;
    const row = await insertTask(ctx.run.db, {
      id: callScopedUuid("task", ctx.run.turn.id, ctx.callId),
      realmId: ctx.run.session.realmId,
      subject: args.subject,
      description: args.description,
      status: "pending",
      priority: args.priority ?? "medium",
      labels: unique(args.labels ?? []),
      blocks: unique(args.blocks ?? []),
      blockedBy: unique(args.blocked_by ?? []),
      owner: args.owner ?? null,
      metadata: initialMetadata(args.metadata),
      createdBySession: ctx.run.session.id,
      updatedBySession: ctx.run.session.id,
    });
    return toolJson(toTaskJson(row));
  },
};

const taskGet: Tool = {
  name: "task_get",
  description: "Get one task of the shared task list by id, with all its fields.",
  inputSchema: taskGetSchema,
  async execute(raw, ctx) {
    const { id } = raw as { id: string };
    const row = await loadTask(ctx, id);
    return row ? toolJson(toTaskJson(row)) : notFound(id);
  },
};

const taskList: Tool = {
  name: "task_list",
  description:
    "List the tasks of the shared task list, oldest first, optionally only those with a status " +
    "or carrying any of the given labels. Use it to see what is planned, in progress or done.",
  inputSchema: taskListSchema,
  async execute(raw, ctx) {
    const args = raw as { status?: TaskStatus; labels?: string[] };
    const rows = await listTasks(ctx.run.db, {
      realmId: ctx.run.session.realmId,
      status: args.status,
      labels: args.labels,
    });
    return toolJson(rows.map(toTaskJson));
  },
};

const taskUpdate: Tool = {
  name: "task_update",
  description:
    "Update a task: change its status as work progresses (pending → in_progress → completed), " +
    "edit its fields, merge metadata (a null value deletes a key) or add/remove dependencies " +
    "(add_blocks, remove_blocks, add_blocked_by, remove_blocked_by). Returns the updated task.",
  inputSchema: taskUpdateSchema,
  async execute(raw, ctx) {
    const args = raw as unknown as TaskUpdateArgs;
    if (!isUuid(args.id)) return notFound(args.id);
    const row = await updateTaskLocked(
      ctx.run.db,
      { realmId: ctx.run.session.realmId, taskId: args.id, sessionId: ctx.run.session.id },
      (current) => taskChanges(current, args),
    );
    return row ? toolJson(toTaskJson(row)) : notFound(args.id);
  },
};

export const TASK_TOOLS: readonly Tool[] = [taskCreate, taskGet, taskList, taskUpdate];
