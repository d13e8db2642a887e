/**
 * Postgres text and jsonb cannot hold U+0000, so a NUL character from outside (a model's reply,
 * its tool-call arguments, a tool's output) would make the turn's commit fail. It becomes U+FFFD
 * (the replacement character) where it enters the run; everything else passes unchanged.
 */
const NUL = "\u0000";
const REPLACEMENT = "\uFFFD";

export function storableText(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, REPLACEMENT) : text;
}

/** The same for every string (keys included) of a JSON value; a value without NUL is returned as is. */
export function storableJson<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => storableJson(item));
    return (items.some((item, index) => item !== value[index]) ? items : value) as T;
  }
  if (value !== null && typeof value === "object") {
    let changed = false;
    const stored: [string, unknown][] = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const storedKey = storableText(key);
      const storedItem = storableJson(item);
      if (storedKey !== key || storedItem !== item) changed = true;
      stored.push([storedKey, storedItem]);
    }
    return (changed ? Object.fromEntries(stored) : value) as T;
  }
  return value;
}
