/**
 * Beyond the reference: what a trigger would do, without storing anything. The trigger is
 * normalised exactly as a create would (so its errors are the same 400s) and the next fire
 * times come with the daylight-saving notes of a calendar trigger.
 */
import { parseRfc3339, previewTrigger } from "../domain/schedule/trigger.js";
import { AppError } from "../errors/index.js";
import { canonicalTrigger } from "./definition.js";
import type { PreviewRequest, PreviewResponse } from "./wire.js";

export const DEFAULT_PREVIEW_COUNT = 10;

export function previewSchedule(request: PreviewRequest, now: Date): PreviewResponse {
  const trigger = canonicalTrigger(request.trigger);
  let from = now;
  if (request.from !== undefined) {
    const ms = parseRfc3339(request.from);
    if (ms === undefined) {
      throw new AppError(
        "BAD_REQUEST",
        `invalid preview: from must be an RFC 3339 timestamp, got '${request.from}'`,
      );
    }
    from = new Date(ms);
  }
  const preview = previewTrigger(trigger, from, request.count ?? DEFAULT_PREVIEW_COUNT);
  return { trigger, ...preview };
}
