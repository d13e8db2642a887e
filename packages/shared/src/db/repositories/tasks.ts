import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import { tasks } from "../schema/tasks.js";

export type TaskRow = typeof tasks.$inferSelect;
export type NewTaskRow = typeof tasks.$inferInsert;
export type TaskStatus = "pending" | "in_progress" | "completed";
export type TaskPriority = "low" | "medium" | "high";

/** The columns an update may change (ids, realm and timestamps are the repository's). */
export type TaskChanges = Partial<
  Pick<
    NewTaskRow,
    | "subject"
    | "description"
    | "status"
    | "priority"
    | "labels"
    | "blocks"
    | "blockedBy"
    | "owner"
    | "metadata"
  >
>;

/**
 * Inserts a task. Inserting an id that already exists returns the stored task unchanged, so a
 * re-run of the same tool call (same derived id) does not create a second task.
 */
export async function insertTask(db: DbOrTx, task: NewTaskRow): Promise<TaskRow> {
  const [row] = await db.insert(tasks).values(task).onConflictDoNothing().returning();
  if (row) return row;
  const existing = await findTask(db, task.realmId, task.id);
  if (!existing) throw new Error(`task ${task.id} exists in another realm`);
  return existing;
}

/** A task of a realm; ids of other realms are not found. */
export async function findTask(
  db: DbOrTx,
  realmId: string,
  taskId: string,
): Promise<TaskRow | undefined> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.realmId, realmId), eq(tasks.id, taskId)));
  return row;
}

/** Tasks carrying at least one of `labels` (jsonb `?|`); none given matches nothing. */
function anyLabel(labels: readonly string[]): SQL {
  if (labels.length === 0) return sql`false`;
  const list = sql.join(
    labels.map((label) => sql`${label}`),
    sql`, `,
  );
  return sql`${tasks.labels} ?| array[${list}]::text[]`;
}

/**
 * A realm's tasks, oldest first. `labels` keeps tasks carrying any of them (`?|`), as the
 * contract's task_list does; an empty list therefore matches nothing.
 */
export async function listTasks(
  db: DbOrTx,
  params: {
    realmId: string;
    status?: TaskStatus | undefined;
    labels?: readonly string[] | undefined;
  },
): Promise<TaskRow[]> {
  return db
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.realmId, params.realmId),
        params.status ? eq(tasks.status, params.status) : undefined,
        params.labels === undefined ? undefined : anyLabel(params.labels),
      ),
    )
    .orderBy(asc(tasks.createdAt), asc(tasks.id));
}

/**
 * Read-modify-write of one task under a row lock, so two sessions updating the same task (for
 * example both adding a blocker) never lose each other's change. `change` computes the new
 * values from the locked row. Returns undefined when the task does not exist in the realm.
 */
export async function updateTaskLocked(
  db: DbOrTx,
  params: { realmId: string; taskId: string; sessionId: string | null },
  change: (current: TaskRow) => TaskChanges,
): Promise<TaskRow | undefined> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.realmId, params.realmId), eq(tasks.id, params.taskId)))
      .for("update");
    if (!current) return undefined;
    const [updated] = await tx
      .update(tasks)
      .set({ ...change(current), updatedBySession: params.sessionId, updatedAt: sql`now()` })
      .where(eq(tasks.id, current.id))
      .returning();
    return updated;
  });
}
