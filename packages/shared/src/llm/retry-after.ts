/** Reads how long a provider asked us to wait before retrying. */

/** The part of `Headers` this module needs (SDK errors carry a WHATWG `Headers`). */
export interface HeaderSource {
  get(name: string): string | null;
}

const SECONDS = /^\s*\d+(?:\.\d+)?\s*$/;

/**
 * `retry-after-ms` (milliseconds, non-standard but sent by both Anthropic and OpenAI) wins over
 * `retry-after` (delta seconds or an HTTP date). Returns undefined when neither is usable.
 */
export function parseRetryAfterMs(
  headers: HeaderSource | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null || retryAfter.trim() === "") return undefined;
  if (SECONDS.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  // An HTTP date names its month; without letters, Date.parse would accept numbers as years.
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
