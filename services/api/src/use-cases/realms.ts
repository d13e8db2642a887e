import { findRealm, listRealms } from "@meerkat/shared/db";
import { realmIdProblem } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "./deps.js";

export interface RealmSummary {
  realm_id: string;
  backend_count: number;
  auth_profile_count: number;
  binding_count: number;
}

export interface RealmConnectionSet {
  realm_id: string;
  backends: Record<string, never>;
  auth_profiles: Record<string, never>;
  bindings: Record<string, never>;
}

/*
 * Realm connection sets (backend profiles, auth profiles, bindings) are the reference's
 * outbound-credential registry; providers here are configured from the environment, so every
 * realm's sets are empty. The realms themselves are the rows sharing this database.
 */

export async function listRealmSummaries(deps: ServiceDeps): Promise<RealmSummary[]> {
  const rows = await listRealms(deps.db);
  return rows.map((row) => ({
    realm_id: row.id,
    backend_count: 0,
    auth_profile_count: 0,
    binding_count: 0,
  }));
}

export async function getRealmConnectionSet(
  deps: ServiceDeps,
  realmId: string,
): Promise<RealmConnectionSet> {
  // Every stored realm passed these rules at start-up; a malformed id is a bad request.
  const problem = realmIdProblem(realmId);
  if (problem) throw new AppError("BAD_REQUEST", `Invalid realm id '${realmId}': ${problem}`);
  const row = await findRealm(deps.db, realmId);
  if (!row) throw new AppError("NOT_FOUND", `Realm not found: ${realmId}`);
  return { realm_id: row.id, backends: {}, auth_profiles: {}, bindings: {} };
}
