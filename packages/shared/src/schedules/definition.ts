/**
 * The revision-affecting part of a schedule (trigger, target, policies) made canonical before
 * it is stored: triggers normalised (cron becomes calendar), session targets checked against
 * the realm, nulls dropped, defaults applied. Stored values are then compared by value, so only
 * a real change bumps the revision.
 */
import type { DbOrTx } from "../db/client.js";
import { findSession } from "../db/repositories/sessions.js";
import { providerOfModel } from "../domain/catalog.js";
import { resolveSessionLocator } from "../domain/ids.js";
import { parseProviderId, PROVIDER_IDS } from "../domain/providers.js";
import { normalizeTrigger } from "../domain/schedule/trigger.js";
import type { TriggerSpec } from "../domain/schedule/trigger-types.js";
import { AppError } from "../errors/index.js";
import { checkOutputSchema } from "../json-schema/index.js";
import { invalidSchedule, mobTargetsUnavailable } from "./errors.js";
import { assertScheduleLabels } from "./labels.js";
import type {
  MisfirePolicy,
  MissingTargetPolicy,
  OverlapPolicy,
  SessionAction,
  SessionMaterializationSpec,
  TargetBinding,
} from "./wire.js";

type MaterializationSpec = Omit<SessionMaterializationSpec, "output_schema_json">;

export const DEFAULT_MISFIRE_POLICY: MisfirePolicy = { type: "skip" };
export const DEFAULT_OVERLAP_POLICY: OverlapPolicy = "skip_if_running";
export const DEFAULT_MISSING_TARGET_POLICY: MissingTargetPolicy = "mark_misfired";
export const DEFAULT_HORIZON_DAYS = 30;
export const DEFAULT_HORIZON_OCCURRENCES = 64;

/** A copy without the keys whose value is null or undefined (one level deep). */
export function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== null && entry !== undefined),
  ) as T;
}

/** Deep equality of JSON values, ignoring key order (jsonb does not keep it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  const left = Object.entries(a).filter(([, value]) => value !== undefined);
  const right = b as Record<string, unknown>;
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  return (
    left.length === rightKeys.length &&
    left.every(([key, value]) => Object.hasOwn(right, key) && sameJson(value, right[key]))
  );
}

/** A request trigger as stored: normalizeTrigger's "invalid trigger: …" becomes a 400. */
export function canonicalTrigger(raw: unknown): TriggerSpec {
  const input =
    raw !== null && typeof raw === "object" && !Array.isArray(raw) ? withoutNulls(raw) : raw;
  const result = normalizeTrigger(input);
  if ("error" in result) throw new AppError("BAD_REQUEST", result.error);
  return result.trigger;
}

function canonicalAction(action: SessionAction): SessionAction {
  const clean = withoutNulls(action);
  // An event without a payload carries null (the reference requires the field).
  return clean.type === "event" ? { ...clean, payload: clean.payload ?? null } : clean;
}

async function existingSessionId(db: DbOrTx, realmId: string, raw: string): Promise<string> {
  const resolved = resolveSessionLocator(raw.trim(), realmId);
  const session = resolved.ok ? await findSession(db, realmId, resolved.sessionId) : undefined;
  if (!session) throw invalidSchedule(`target session ${raw} not found`);
  return session.id;
}

/**
 * What POST /sessions would refuse in the session a materialize target creates is refused when
 * the schedule is made, not at every delivery: an unknown provider (the contract's enum; it
 * would otherwise be dropped silently), an output_schema that is not a usable JSON Schema (for
 * the provider the session will have), a reserved app_context key (§3.10), keep_alive without
 * comms_name.
 */
export function assertMaterializable(create: MaterializationSpec): void {
  let provider = providerOfModel(create.model);
  if (create.provider != null) {
    const explicit = parseProviderId(create.provider);
    if (explicit === undefined) {
      throw invalidSchedule(
        `create.provider: unknown provider '${create.provider}' (expected ${PROVIDER_IDS.join(", ")})`,
      );
    }
    provider = explicit;
  }
  if (create.output_schema != null) {
    const problems = checkOutputSchema(create.output_schema, provider);
    if (problems.length > 0) {
      // "output_schema.schema: …" as POST /sessions words it, under the spec's field.
      const reason = problems.join("; ").replace(/(^|; )output_schema/g, "$1create.output_schema");
      throw invalidSchedule(reason);
    }
  }
  const appContext = create.app_context;
  if (appContext !== null && typeof appContext === "object" && !Array.isArray(appContext)) {
    for (const key of Object.keys(appContext)) {
      const lower = key.toLowerCase();
      if (lower === "meerkat" || lower.startsWith("meerkat.")) {
        throw invalidSchedule(`create.app_context key '${key}' is reserved for Meerkat`);
      }
    }
  }
  if (create.keep_alive === true && !create.comms_name) {
    throw invalidSchedule("create.keep_alive requires create.comms_name");
  }
}

/**
 * `bound_session_id` belongs to the server (§7.2: "set by the system after first
 * materialisation"). A request may only echo the binding the schedule already has (a target
 * read back and sent again); any other value, and any value on a new schedule, is refused
 * rather than found missing at the first delivery.
 */
export function assertBindingEcho(
  given: string | null | undefined,
  stored: TargetBinding | undefined,
): void {
  if (given === null || given === undefined) return;
  const current =
    stored?.type === "materialize_on_demand_session" ? stored.bound_session_id : undefined;
  if (current !== null && current !== undefined && given === current) return;
  const reason =
    current === null || current === undefined
      ? "is set by the server when the first delivery creates the session"
      : `this schedule is bound to session ${current} by the server, and the binding cannot be changed`;
  throw invalidSchedule(
    `target.bound_session_id ${reason}; omit it (use a resumable_session target to deliver to an existing session)`,
  );
}

/**
 * A request target as stored. Exact and resumable targets must name a live session of this
 * realm; mob targets need mobs, which this server does not have (501). `stored` is the
 * schedule's current target on an update (undefined on create); the binding a materialize
 * target keeps is then decided by `keepBinding`, never taken from the request.
 */
export async function canonicalTarget(
  db: DbOrTx,
  realmId: string,
  target: TargetBinding,
  stored?: TargetBinding,
): Promise<TargetBinding> {
  switch (target.type) {
    case "exact_session":
    case "resumable_session":
      return {
        target_kind: "session",
        type: target.type,
        session_id: await existingSessionId(db, realmId, target.session_id),
        action: canonicalAction(target.action),
      };
    case "materialize_on_demand_session": {
      assertBindingEcho(target.bound_session_id, stored);
      const { output_schema_json: alias, ...spec } = withoutNulls(target.create);
      const create =
        spec.output_schema === undefined && alias !== undefined
          ? { ...spec, output_schema: alias }
          : spec;
      assertScheduleLabels(create.labels, "create.labels");
      assertScheduleLabels(create.peer_meta?.labels, "create.peer_meta.labels");
      assertMaterializable(create);
      return {
        target_kind: "session" as const,
        type: target.type,
        create,
        action: canonicalAction(target.action),
      };
    }
    case "member":
    case "flow":
    case "spawn_helper":
    case "fork_helper":
      throw mobTargetsUnavailable();
  }
}

/**
 * A re-sent materialize target without `bound_session_id` keeps the binding the stored one
 * has: clients that echo the target they created with must not lose the session (nor bump the
 * revision) by doing so.
 */
export function keepBinding(stored: TargetBinding, next: TargetBinding): TargetBinding {
  if (
    stored.type === "materialize_on_demand_session" &&
    next.type === "materialize_on_demand_session" &&
    stored.bound_session_id &&
    !next.bound_session_id &&
    sameJson(stored.create, next.create) &&
    sameJson(stored.action, next.action)
  ) {
    return { ...next, bound_session_id: stored.bound_session_id };
  }
  return next;
}
