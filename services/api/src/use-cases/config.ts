/**
 * GET, PUT and PATCH /config. The config lives in the realm's row in Postgres and is read there
 * on every call (no cache), so every replica answers with the latest generation. Writes are
 * compare-and-set on `config_generation`.
 */
import { findRealm, writeRealmConfig, type RealmRow } from "@meerkat/shared/db";
import { applyMergePatch, realmConfigSchema, type RealmConfig } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import {
  describeIssues,
  readPatchConfigBody,
  readSetConfigBody,
  validateConfig,
} from "./config-body.js";
import type { ServiceDeps } from "./deps.js";
import { assertConfigHooks } from "./hook-policy.js";

/** `--expose-paths`: where this deployment keeps its state (passwords redacted). */
export interface ResolvedPaths {
  database_url: string;
  redis_url: string;
}

export interface ConfigEnvelope {
  config: RealmConfig;
  generation: number;
  realm_id: string;
  instance_id: string | null;
  backend: string;
  resolved_paths: ResolvedPaths | null;
}

export interface ConfigContext {
  resolvedPaths: ResolvedPaths | null;
}

/** A PATCH without expected_generation re-reads and re-merges this often when it loses a race. */
const PATCH_ATTEMPTS = 5;

function toEnvelope(
  deps: ServiceDeps,
  context: ConfigContext,
  config: RealmConfig,
  row: RealmRow | undefined,
): ConfigEnvelope {
  return {
    config,
    generation: row?.configGeneration ?? 0,
    realm_id: deps.realm.realmId,
    instance_id: deps.realm.instanceId ?? null,
    backend: row?.backend ?? "postgres",
    resolved_paths: context.resolvedPaths,
  };
}

/** A stored config that no longer validates (edited by hand, schema tightened) is ours: 500. */
function normaliseStored(realmId: string, stored: unknown): RealmConfig {
  const parsed = realmConfigSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  throw new AppError(
    "CONFIGURATION_ERROR",
    `Stored config of realm ${realmId} is invalid: ${describeIssues(parsed.error.issues)}`,
  );
}

function generationConflict(expected: number, current: number): AppError {
  return new AppError(
    "BAD_REQUEST",
    `Generation conflict: expected ${expected}, current ${current}`,
  );
}

/** The API creates its realm's row at start-up; a write that finds none means it was deleted. */
function realmMissing(realmId: string): AppError {
  return new AppError("CONFIGURATION_ERROR", `Realm ${realmId} has no stored config row`);
}

export async function readConfig(
  deps: ServiceDeps,
  context: ConfigContext,
): Promise<ConfigEnvelope> {
  const row = await findRealm(deps.db, deps.realm.realmId);
  const config = normaliseStored(deps.realm.realmId, row?.config ?? {});
  return toEnvelope(deps, context, config, row);
}

function committed(
  deps: ServiceDeps,
  context: ConfigContext,
  config: RealmConfig,
  row: RealmRow,
  action: string,
): ConfigEnvelope {
  // This replica's request path reads through a short cache; other replicas catch up within its TTL.
  deps.realm.invalidate();
  deps.logger.info({ realm: row.id, generation: row.configGeneration }, `realm config ${action}`);
  return toEnvelope(deps, context, config, row);
}

/** PUT: validate, then replace (CAS when the body names the generation it expects). */
export async function replaceConfig(
  deps: ServiceDeps,
  context: ConfigContext,
  body: unknown,
): Promise<ConfigEnvelope> {
  const request = readSetConfigBody(body);
  const config = validateConfig(request.value);
  assertConfigHooks(config.hooks.entries, deps.hookRuntimes);
  const written = await writeRealmConfig(
    deps.db,
    deps.realm.realmId,
    config,
    request.expectedGeneration,
  );
  if ("conflict" in written) {
    if (request.expectedGeneration === undefined) throw realmMissing(deps.realm.realmId);
    throw generationConflict(request.expectedGeneration, written.conflict);
  }
  return committed(deps, context, config, written, "replaced");
}

/**
 * The base a patch applies to: the normalised stored config, or the raw stored document when
 * that no longer validates, so that a PATCH can repair it.
 */
function patchBase(stored: unknown): unknown {
  const parsed = realmConfigSchema.safeParse(stored);
  return parsed.success ? parsed.data : stored;
}

/**
 * One read-merge-write at the generation just read. Undefined when another writer got there
 * first and the caller did not pin a generation (so the merge may be redone on the new config).
 */
async function patchOnce(
  deps: ServiceDeps,
  patch: unknown,
  expectedGeneration: number | undefined,
): Promise<{ row: RealmRow; config: RealmConfig } | undefined> {
  const realmId = deps.realm.realmId;
  const current = await findRealm(deps.db, realmId);
  if (!current) throw realmMissing(realmId);
  if (expectedGeneration !== undefined && expectedGeneration !== current.configGeneration) {
    throw generationConflict(expectedGeneration, current.configGeneration);
  }
  const config = validateConfig(applyMergePatch(patchBase(current.config), patch));
  assertConfigHooks(config.hooks.entries, deps.hookRuntimes);
  const written = await writeRealmConfig(deps.db, realmId, config, current.configGeneration);
  if (!("conflict" in written)) return { row: written, config };
  if (expectedGeneration !== undefined)
    throw generationConflict(expectedGeneration, written.conflict);
  return undefined;
}

/** PATCH: RFC 7396 merge onto the current config, validated before it is written. */
export async function patchConfig(
  deps: ServiceDeps,
  context: ConfigContext,
  body: unknown,
): Promise<ConfigEnvelope> {
  const request = readPatchConfigBody(body);
  for (let attempt = 1; attempt <= PATCH_ATTEMPTS; attempt += 1) {
    const outcome = await patchOnce(deps, request.value, request.expectedGeneration);
    if (outcome) return committed(deps, context, outcome.config, outcome.row, "patched");
  }
  throw new AppError(
    "CONFLICT",
    `Config changed concurrently ${PATCH_ATTEMPTS} times while patching; retry the request`,
  );
}
