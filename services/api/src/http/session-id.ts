import { resolveSessionLocator } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";

/** A session id from a path or body: a UUID or `<realm>:<uuid>` of this realm, else 400. */
export function parseSessionId(input: string, realmId: string): string {
  const resolved = resolveSessionLocator(input.trim(), realmId);
  if (!resolved.ok) throw new AppError("BAD_REQUEST", resolved.message);
  return resolved.sessionId;
}
