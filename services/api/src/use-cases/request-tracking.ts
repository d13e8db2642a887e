import { attachRequest, finishRequest, findRequest, registerRequest } from "@meerkat/shared/db";
import { newId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import type { ServiceDeps } from "./deps.js";

export interface TrackedRequest {
  /** Row id. */
  id: string;
  /** The caller's X-Meerkat-Request-Id. */
  requestId: string;
}

/**
 * Registers the request's X-Meerkat-Request-Id (when sent) before any work, so any replica can
 * cancel it. An id already in flight in the realm is refused with 409 DUPLICATE_REQUEST_ID.
 */
export async function beginRequest(
  deps: ServiceDeps,
  header: string | string[] | undefined,
  kind: "create" | "continue" | "help",
): Promise<TrackedRequest | undefined> {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? (header[0] ?? "") : header).trim();
  if (value === "") throw new AppError("BAD_REQUEST", "X-Meerkat-Request-Id must not be empty");
  if (value.length > 256)
    throw new AppError("BAD_REQUEST", "X-Meerkat-Request-Id must be at most 256 characters");
  const id = newId();
  const registered = await registerRequest(deps.db, {
    id,
    realmId: deps.realm.realmId,
    requestId: value,
    kind,
  });
  if (registered === "duplicate") {
    throw new AppError("DUPLICATE_REQUEST_ID", `request ID already in flight: ${value}`);
  }
  return { id, requestId: value };
}

/**
 * Links the request to the turn it submitted. Returns false when the request was cancelled
 * before the link existed (the caller then stops the turn it just queued).
 */
export async function linkRequest(
  deps: ServiceDeps,
  tracked: TrackedRequest | undefined,
  target: { sessionId: string; turnId: string },
): Promise<boolean> {
  if (!tracked) return true;
  await attachRequest(deps.db, tracked.id, target);
  const row = await findRequest(deps.db, tracked.id);
  return row?.state !== "cancelled";
}

/** A request that ends before its turn could publish anything (validation, errors). */
export async function abandonRequest(
  deps: ServiceDeps,
  tracked: TrackedRequest | undefined,
): Promise<void> {
  if (tracked) await finishRequest(deps.db, tracked.id, "completed").catch(() => undefined);
}
