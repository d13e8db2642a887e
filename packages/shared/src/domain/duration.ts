/**
 * Durations in config and on the wire: a number is milliseconds; a string carries a unit
 * ("500ms", "30s", "10m", "1h", or combinations like "1m30s").
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const pattern = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (const match of text.matchAll(pattern)) {
    const unit = UNIT_MS[match[2] ?? ""];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    matched += match[0].length;
  }
  return matched === text.replace(/\s+$/, "").length && matched > 0 ? Math.round(total) : undefined;
}
