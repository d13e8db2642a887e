import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCallControl } from "./call-control.js";

describe("createCallControl", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows the caller's signal", () => {
    const caller = new AbortController();
    const control = createCallControl({ signal: caller.signal });
    expect(control.signal.aborted).toBe(false);
    caller.abort();
    expect(control.signal.aborted).toBe(true);
    expect(control.stopCause()).toBe("aborted");
  });

  it("starts aborted when the caller's signal already is", () => {
    const control = createCallControl({ signal: AbortSignal.abort(), timeoutMs: 10 });
    expect(control.signal.aborted).toBe(true);
    expect(control.stopCause()).toBe("aborted");
  });

  it("aborts with cause timeout when the timer fires first", () => {
    const caller = new AbortController();
    const control = createCallControl({ signal: caller.signal, timeoutMs: 100 });
    vi.advanceTimersByTime(99);
    expect(control.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(control.stopCause()).toBe("timeout");
    caller.abort();
    expect(control.stopCause()).toBe("timeout");
  });

  it("clears the timer and aborts only unfinished calls on dispose", () => {
    const finished = createCallControl({ signal: new AbortController().signal, timeoutMs: 50 });
    finished.dispose(true);
    vi.advanceTimersByTime(100);
    expect(finished.signal.aborted).toBe(false);
    expect(finished.stopCause()).toBeUndefined();

    const abandoned = createCallControl({ signal: new AbortController().signal });
    abandoned.dispose(false);
    expect(abandoned.signal.aborted).toBe(true);
    expect(abandoned.stopCause()).toBeUndefined();
  });

  it("stops listening to the caller's signal after dispose", () => {
    const caller = new AbortController();
    const control = createCallControl({ signal: caller.signal });
    control.dispose(true);
    caller.abort();
    expect(control.signal.aborted).toBe(false);
  });
});
