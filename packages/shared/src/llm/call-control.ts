/**
 * Joins the caller's abort signal and the per-call timeout into the one signal handed to the SDK,
 * remembering which of the two stopped the call.
 *
 * Both SDKs time out only the wait for response headers and end a stream silently when its
 * signal aborts, so the adapters need their own timer and their own record of why it stopped.
 */
import type { StopCause } from "./errors.js";
import type { LlmCallOptions } from "./types.js";

export interface CallControl {
  signal: AbortSignal;
  stopCause(): StopCause | undefined;
  /** Releases the timer and listener; aborts the SDK request unless the call completed. */
  dispose(completed: boolean): void;
}

export function createCallControl(options: LlmCallOptions): CallControl {
  const controller = new AbortController();
  let cause: StopCause | undefined;
  const stop = (reason: StopCause): void => {
    if (cause !== undefined) return;
    cause = reason;
    controller.abort(
      new Error(reason === "timeout" ? "provider call timed out" : "provider call aborted"),
    );
  };
  const onAbort = (): void => {
    stop("aborted");
  };

  if (options.signal.aborted) stop("aborted");
  else options.signal.addEventListener("abort", onAbort, { once: true });

  const timeoutMs = options.timeoutMs;
  const timer =
    timeoutMs !== undefined && timeoutMs > 0 && cause === undefined
      ? setTimeout(() => {
          stop("timeout");
        }, timeoutMs)
      : undefined;

  return {
    signal: controller.signal,
    stopCause: () => cause,
    dispose(completed) {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      if (!completed && !controller.signal.aborted) controller.abort();
    },
  };
}
