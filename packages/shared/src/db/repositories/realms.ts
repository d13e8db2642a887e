import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import { realms } from "../schema/realms.js";

export type RealmRow = typeof realms.$inferSelect;

/** Creates the realm row when missing (API start-up). */
export async function ensureRealm(db: DbOrTx, realmId: string): Promise<RealmRow> {
  await db.insert(realms).values({ id: realmId }).onConflictDoNothing();
  const [row] = await db.select().from(realms).where(eq(realms.id, realmId));
  if (!row) throw new Error(`realm ${realmId} vanished after insert`);
  return row;
}

export async function findRealm(db: DbOrTx, realmId: string): Promise<RealmRow | undefined> {
  const [row] = await db.select().from(realms).where(eq(realms.id, realmId));
  return row;
}

export async function listRealms(db: DbOrTx): Promise<RealmRow[]> {
  return db.select().from(realms).orderBy(realms.id);
}

/**
 * Replaces a realm's config when `expectedGeneration` (if given) matches; bumps the generation.
 * Returns the new row, or `{ conflict: currentGeneration }` on a stale expectation.
 */
export async function writeRealmConfig(
  db: DbOrTx,
  realmId: string,
  config: Record<string, unknown>,
  expectedGeneration: number | null | undefined,
): Promise<RealmRow | { conflict: number }> {
  const condition =
    expectedGeneration === null || expectedGeneration === undefined
      ? eq(realms.id, realmId)
      : sql`${realms.id} = ${realmId} and ${realms.configGeneration} = ${expectedGeneration}`;
  const [row] = await db
    .update(realms)
    .set({ config, configGeneration: sql`${realms.configGeneration} + 1`, updatedAt: sql`now()` })
    .where(condition)
    .returning();
  if (row) return row;
  const current = await findRealm(db, realmId);
  return { conflict: current?.configGeneration ?? 0 };
}

/** One round trip to Postgres (GET /runtime/health); fails when the database does not answer. */
export async function pingDatabase(db: DbOrTx): Promise<void> {
  await db.execute(sql`select 1`);
}
