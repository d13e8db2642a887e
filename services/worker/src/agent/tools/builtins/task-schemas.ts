/** Input schemas of the task tools (contract §11.5), strict so typos come back as errors. */
import type { JsonObject } from "@meerkat/shared/llm";
import { enumProp, strictObject, stringListProp, stringProp } from "./schema.js";
import { TASK_PRIORITIES, TASK_STATUSES } from "./task-model.js";

const taskId = stringProp("The task's id, as returned by task_create or task_list.", {
  minLength: 1,
});
const metadata: JsonObject = {
  type: "object",
  description: "Free-form key/value data for the task (for example links or estimates).",
  additionalProperties: true,
};

export const taskCreateSchema = strictObject(
  {
    subject: stringProp("A short title for the task.", { minLength: 1, maxLength: 500 }),
    description: stringProp("What needs to be done, and how to tell it is done.", {
      maxLength: 20_000,
    }),
    priority: enumProp(TASK_PRIORITIES, 'How important the task is (default "medium").'),
    labels: stringListProp("Labels to group and filter tasks by."),
    blocks: stringListProp("Ids of tasks that cannot start until this one is completed."),
    blocked_by: stringListProp("Ids of tasks that must be completed before this one."),
    owner: stringProp("Who is responsible for the task (an agent or person name)."),
    metadata,
  },
  ["subject", "description"],
);

export const taskGetSchema = strictObject({ id: taskId }, ["id"]);

export const taskListSchema = strictObject({
  status: enumProp(TASK_STATUSES, "Only tasks with this status."),
  labels: stringListProp("Only tasks carrying at least one of these labels."),
});

export const taskUpdateSchema = strictObject(
  {
    id: taskId,
    subject: stringProp("A new title.", { minLength: 1, maxLength: 500 }),
    description: stringProp("A new description.", { maxLength: 20_000 }),
    status: enumProp(TASK_STATUSES, "The new status."),
    priority: enumProp(TASK_PRIORITIES, "The new priority."),
    labels: stringListProp("Replaces all labels."),
    owner: {
      type: ["string", "null"],
      description: "The new owner; null clears it.",
    },
    metadata: {
      ...metadata,
      description: "Keys to merge into the task's metadata; a null value deletes that key.",
    },
    add_blocks: stringListProp("Task ids to add to `blocks`."),
    remove_blocks: stringListProp("Task ids to remove from `blocks`."),
    add_blocked_by: stringListProp("Task ids to add to `blocked_by`."),
    remove_blocked_by: stringListProp("Task ids to remove from `blocked_by`."),
  },
  ["id"],
);
