// Latency statistics (milliseconds), nearest-rank percentiles.

function round(value, digits = 2) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The p-th percentile (0 < p ≤ 100) of an ascending array, nearest-rank method. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** { count, mean, p50, p90, p99, max } of a list of latencies in ms (rounded to 0.01 ms). */
export function summarize(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  if (sorted.length === 0) {
    return { count: 0, mean: null, min: null, p50: null, p90: null, p99: null, max: null };
  }
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean: round(sum / sorted.length),
    min: round(sorted[0]),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

/** a / b rounded, or null when either is missing or b is 0. */
export function ratio(a, b, digits = 3) {
  if (typeof a !== "number" || typeof b !== "number" || b === 0) return null;
  return round(a / b, digits);
}
