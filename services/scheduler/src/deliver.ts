import {
  deliverOccurrence,
  findRealm,
  materializeScheduleSession,
  probeDelivery,
  settleClaimedOccurrence,
  type ClaimedOccurrence,
  type Db,
  type InputNotice,
} from "@meerkat/shared/db";
import { contentText, newId, parseRealmConfig, type ContentInput } from "@meerkat/shared/domain";
import { describeError } from "@meerkat/shared/errors";
import type { Logger } from "@meerkat/shared/observability";
import { turnJobId, type Producer } from "@meerkat/shared/queues";
import { buildMaterializedSession } from "./materialize.js";

export interface DeliveryDeps {
  db: Db;
  producer: Producer;
  logger: Logger;
  /** This replica's claim owner id. */
  owner: string;
}

type Target = Record<string, unknown>;
type Action = Record<string, unknown>;

function actionOf(target: Target): Action {
  const action = target["action"];
  return action !== null && typeof action === "object" ? (action as Action) : {};
}

function noticeFor(
  action: Action,
  occurrence: ClaimedOccurrence,
): { kind: "schedule_prompt" | "schedule_event"; notice: InputNotice } {
  const base = {
    schedule_id: occurrence.scheduleId,
    occurrence_id: occurrence.id,
    ordinal: occurrence.ordinal,
  };
  if (action["type"] === "event") {
    const eventType = typeof action["event_type"] === "string" ? action["event_type"] : "scheduled";
    const content = JSON.stringify(action["payload"] ?? null, null, 2);
    const summary = `Scheduled event ${eventType} from schedule ${occurrence.scheduleId}`;
    return {
      kind: "schedule_event",
      notice: {
        body: `${summary}\n\nevent_type: ${eventType}\npayload:\n${content}`,
        blocks: [
          {
            type: "external_event",
            source: `schedule:${occurrence.scheduleId}`,
            event_type: eventType,
            summary,
            payload: action["payload"] ?? null,
            content,
            ...base,
          },
        ],
      },
    };
  }
  const prompt = (action["prompt"] ?? "") as ContentInput;
  return {
    kind: "schedule_prompt",
    notice: {
      body: contentText(prompt),
      blocks: [
        {
          type: "schedule",
          kind: "prompt",
          prompt,
          ...(Array.isArray(action["additional_instructions"])
            ? { additional_instructions: action["additional_instructions"] }
            : {}),
          ...(Array.isArray(action["skill_refs"]) ? { skill_refs: action["skill_refs"] } : {}),
          ...base,
        },
      ],
    },
  };
}

/**
 * Delivers one claimed occurrence (§7.5): supersede it when its schedule moved on, release it
 * when the schedule is paused, apply the missing-target and overlap policies, materialise the
 * target session when needed, then hand it to the session's inbox and wake the session. Every
 * write is fenced by the claim, so a lost claim never delivers twice.
 */
export async function deliverClaimed(
  deps: DeliveryDeps,
  occurrence: ClaimedOccurrence,
): Promise<string> {
  const { db, owner, logger } = deps;
  const settle = (outcome: Parameters<typeof settleClaimedOccurrence>[3]) =>
    settleClaimedOccurrence(db, occurrence, owner, outcome).then(() => outcome.phase);
  const snapshotSession =
    occurrence.targetSnapshot["type"] !== "materialize_on_demand_session" &&
    typeof occurrence.targetSnapshot["session_id"] === "string"
      ? occurrence.targetSnapshot["session_id"]
      : undefined;
  // One round trip: the schedule now, and the state of the session the delivery would go to.
  const probe = await probeDelivery(db, {
    scheduleId: occurrence.scheduleId,
    realmId: occurrence.realmId,
    sessionId: snapshotSession,
  });
  const schedule = probe.schedule;
  if (
    !schedule ||
    schedule.phase === "deleted" ||
    schedule.revision !== occurrence.scheduleRevision
  ) {
    return settle({ phase: "superseded", supersededByRevision: schedule?.revision });
  }
  if (schedule.phase === "paused") return settle({ phase: "pending" });

  const bound = schedule.target["bound_session_id"];
  const target: Target = {
    ...occurrence.targetSnapshot,
    ...(typeof bound === "string" ? { bound_session_id: bound } : {}),
  };
  if (target["target_kind"] === "mob") {
    return settle({
      phase: "delivery_failed",
      failureClass: "mob_rejected",
      detail: "mob targets are not available on this server",
    });
  }
  const action = actionOf(target);
  let sessionId: string | undefined;
  let materialized: string | undefined;
  let sessionState = probe.session;
  if (target["type"] === "materialize_on_demand_session") {
    if (typeof bound === "string" && bound !== "") sessionId = bound;
    else {
      try {
        const realm = await findRealm(db, occurrence.realmId);
        const config = parseRealmConfig(realm?.config ?? {});
        const created = await materializeScheduleSession(db, {
          scheduleId: occurrence.scheduleId,
          build: () =>
            buildMaterializedSession({
              id: newId(),
              realmId: occurrence.realmId,
              create: (target["create"] ?? {}) as Record<string, unknown>,
              actionSystemPrompt:
                typeof action["system_prompt"] === "string" ? action["system_prompt"] : undefined,
              config,
            }),
        });
        if (!created) return await settle({ phase: "superseded" });
        sessionId = created.sessionId;
        if (created.created) materialized = created.sessionId;
        else {
          // Another replica bound a session between the probe and the lock: probe it again.
          sessionState = (
            await probeDelivery(db, {
              scheduleId: occurrence.scheduleId,
              realmId: occurrence.realmId,
              sessionId,
            })
          ).session;
        }
      } catch (error) {
        logger.warn({ err: error, occurrenceId: occurrence.id }, "session materialisation failed");
        return settle({
          phase: "delivery_failed",
          failureClass: "target_materialization_failed",
          detail: describeError(error),
        });
      }
    }
  } else {
    sessionId = snapshotSession;
  }

  const missing = async () =>
    occurrence.missingTargetPolicy === "skip"
      ? settle({
          phase: "skipped",
          failureClass: "target_missing",
          detail: `target session ${sessionId ?? "?"} not found`,
        })
      : settle({
          phase: "misfired",
          failureClass: "target_missing",
          detail: `target session ${sessionId ?? "?"} not found`,
        });
  if (!sessionId || (!materialized && sessionState === "missing")) return missing();
  if (!materialized) {
    if (occurrence.overlapPolicy === "skip_if_running" && sessionState === "busy") {
      return settle({
        phase: "skipped",
        failureClass: "target_busy",
        detail: "the target session was running a turn",
      });
    }
    if (action["type"] === "prompt" && typeof action["system_prompt"] === "string") {
      return settle({
        phase: "delivery_failed",
        failureClass: "runtime_rejected",
        detail:
          "scheduled system_prompt override is only supported when materializing a new session",
      });
    }
  }

  const { kind, notice } = noticeFor(action, occurrence);
  const outcome = await deliverOccurrence(db, {
    occurrence,
    owner,
    realmId: occurrence.realmId,
    sessionId,
    inputId: newId(),
    // A scheduled delivery always wakes its session (DECISIONS: event actions too).
    wakeTurnId: newId(),
    kind,
    notice,
    materializedSessionId: materialized,
  });
  if (outcome.kind === "session_missing") return missing();
  if (outcome.kind === "claim_lost") {
    logger.warn(
      { occurrenceId: occurrence.id },
      "occurrence claim lost before delivery; another replica has it",
    );
    return "claim_lost";
  }
  const turnId = outcome.wokenTurnId;
  if (turnId) {
    await deps.producer
      .enqueue("agent-turn", { turnId }, turnJobId(turnId))
      .catch((err: unknown) => {
        logger.warn({ err, turnId }, "enqueue failed; the worker sweeper will pick the turn up");
      });
  }
  return "awaiting_completion";
}
