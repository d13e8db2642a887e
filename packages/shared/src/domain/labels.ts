/**
 * Label maps (`labels` and `peer_meta.labels` of sessions and of the sessions schedules
 * materialise, and schedules' own `labels`): one rule everywhere, so a schedule never holds
 * labels its session would refuse. Keys and values are bounded by the request schemas; the
 * number of labels, and the keys the runtime owns (contract §3.10), are checked here.
 */

/** At most this many labels in one map (GCP's limit; enough to tag, not to store data). */
export const MAX_LABELS = 64;
export const MAX_LABEL_KEY_LENGTH = 256;
export const MAX_LABEL_VALUE_LENGTH = 4_096;

const RESERVED_KEYS = new Set(["mob_id", "role", "meerkat_id", "meerkat"]);

/** Keys the runtime owns (any case): `mob_id`, `role`, `meerkat_id`, `meerkat`, `meerkat.*`. */
function isReservedLabelKey(key: string): boolean {
  const lower = key.toLowerCase();
  return RESERVED_KEYS.has(lower) || lower.startsWith("meerkat.");
}

/** Why a label map is refused (the message names `field`), or undefined when it is fine. */
export function labelsProblem(
  labels: Record<string, string> | null | undefined,
  field: string,
): string | undefined {
  if (!labels) return undefined;
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) {
    return `${field}: at most ${MAX_LABELS} labels are allowed (got ${keys.length})`;
  }
  for (const key of keys) {
    if (key.trim() === "") return `${field}: label keys must not be empty`;
    if (isReservedLabelKey(key)) {
      return `metadata label key '${key}' is reserved for Meerkat-owned runtime facts`;
    }
  }
  return undefined;
}
