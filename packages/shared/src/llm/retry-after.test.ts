import { describe, expect, it } from "vitest";
import { parseRetryAfterMs } from "./retry-after.js";

const headers = (values: Record<string, string>): Headers => new Headers(values);

describe("parseRetryAfterMs", () => {
  it("reads retry-after-ms", () => {
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "1500" }))).toBe(1500);
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "12.2" }))).toBe(13);
  });

  it("prefers retry-after-ms over retry-after", () => {
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
  });

  it("reads retry-after in seconds, fractional included", () => {
    expect(parseRetryAfterMs(headers({ "retry-after": "7" }))).toBe(7000);
    expect(parseRetryAfterMs(headers({ "retry-after": "0.5" }))).toBe(500);
    expect(parseRetryAfterMs(headers({ "retry-after": " 2 " }))).toBe(2000);
  });

  it("reads retry-after as an HTTP date relative to now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(
      parseRetryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }), now),
    ).toBe(30_000);
    // A date in the past means "retry now".
    expect(
      parseRetryAfterMs(headers({ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }), now),
    ).toBe(0);
  });

  it("falls back to retry-after when retry-after-ms is unusable", () => {
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "soon", "retry-after": "1" }))).toBe(1000);
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "-5", "retry-after": "1" }))).toBe(1000);
  });

  it("ignores missing and malformed values", () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs(headers({}))).toBeUndefined();
    expect(parseRetryAfterMs(headers({ "retry-after": "later" }))).toBeUndefined();
    expect(parseRetryAfterMs(headers({ "retry-after": "-3" }))).toBeUndefined();
  });
});
