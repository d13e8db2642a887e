import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@meerkat/shared/errors";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * Checks `X-Webhook-Secret` against RKAT_WEBHOOK_SECRET (no secret configured: open). Both
 * sides are hashed first, so the comparison takes the same time whatever the presented length.
 */
export function createWebhookSecretCheck(
  secret: string | undefined,
): (presented: string | string[] | undefined) => void {
  if (secret === undefined || secret === "") return () => undefined;
  const expected = digest(secret);
  return (presented) => {
    const value = Array.isArray(presented) ? (presented[0] ?? "") : (presented ?? "");
    if (!timingSafeEqual(expected, digest(value)) || value.length === 0) {
      throw new AppError("UNAUTHORIZED", "invalid webhook secret");
    }
  };
}
