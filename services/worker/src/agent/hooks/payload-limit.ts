import type { HookPayload } from "./types.js";

export type FittedPayload =
  | { kind: "fits"; payload: HookPayload }
  | { kind: "trimmed"; payload: HookPayload }
  | { kind: "too_large"; bytes: number };

export function payloadBytes(payload: HookPayload): number {
  return Buffer.byteLength(JSON.stringify(payload), "utf8");
}

function longestString(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value))
    return value.reduce<number>((max, item) => Math.max(max, longestString(item)), 0);
  if (typeof value === "object" && value !== null) {
    return Object.values(value).reduce<number>(
      (max, item) => Math.max(max, longestString(item)),
      0,
    );
  }
  return 0;
}

/** Cuts every string longer than `cap` characters, saying how much was cut. */
function capStrings(value: unknown, cap: number): unknown {
  if (typeof value === "string") {
    if (value.length <= cap) return value;
    const cut = `${value.slice(0, cap)}…[${value.length - cap} more characters]`;
    return cut.length < value.length ? cut : value;
  }
  if (Array.isArray(value)) return value.map((item) => capStrings(item, cap));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, capStrings(item, cap)]),
    );
  }
  return value;
}

/**
 * Makes a payload fit `maxBytes` of JSON. Observers may see a trimmed copy (long strings cut,
 * the largest cap that fits found by bisection); a guardrail or rewrite hook never does, since a
 * decision or rewrite based on half a text would be wrong, so for them an oversize payload is
 * refused and the hook counts as failed.
 */
export function fitPayload(
  payload: HookPayload,
  maxBytes: number,
  allowTrim: boolean,
): FittedPayload {
  const bytes = payloadBytes(payload);
  if (bytes <= maxBytes) return { kind: "fits", payload };
  if (!allowTrim) return { kind: "too_large", bytes };
  const trimmedAt = (cap: number) => capStrings(payload, cap) as HookPayload;
  if (payloadBytes(trimmedAt(0)) > maxBytes) return { kind: "too_large", bytes };
  // Invariant: cap `low` fits, cap `high` does not (the untrimmed payload did not).
  let low = 0;
  let high = longestString(payload);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (payloadBytes(trimmedAt(mid)) <= maxBytes) low = mid;
    else high = mid;
  }
  return { kind: "trimmed", payload: trimmedAt(low) };
}
