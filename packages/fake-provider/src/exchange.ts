/**
 * One request/response pair with disconnect tracking: every wait ends early when the client goes
 * away, and nothing is written after that.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** True once the connection closed (normally or not). */
  isClosed(): boolean;
  /** Waits `ms`, or less if the client disconnects first. */
  sleep(ms: number): Promise<void>;
  /** Resolves when the connection closes. */
  closed: Promise<void>;
}

const ignore = (): void => {};

export function createExchange(req: IncomingMessage, res: ServerResponse): Exchange {
  let closed = false;
  let markClosed = ignore;
  const closedPromise = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  // A reset connection emits errors on both streams; they are expected, never fatal.
  req.on("error", ignore);
  res.on("error", ignore);
  res.on("close", () => {
    closed = true;
    markClosed();
  });
  return {
    req,
    res,
    isClosed: () => closed,
    closed: closedPromise,
    sleep(ms) {
      if (ms <= 0 || closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        void closedPromise.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

export function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  if (exchange.isClosed()) return;
  const payload = JSON.stringify(body);
  exchange.res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  exchange.res.end(payload);
}

export interface StreamOptions {
  chunkDelayMs: number;
  hang: boolean;
}

/** Writes SSE frames: all at once when there is no delay, else one by one. */
export async function sendStream(
  exchange: Exchange,
  frames: readonly string[],
  headers: OutgoingHttpHeaders,
  options: StreamOptions,
): Promise<void> {
  if (exchange.isClosed()) return;
  const res = exchange.res;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    ...headers,
  });
  if (options.hang) {
    res.write(frames[0] ?? "");
    await exchange.closed;
    return;
  }
  if (options.chunkDelayMs <= 0) {
    res.end(frames.join(""));
    return;
  }
  for (const [i, frame] of frames.entries()) {
    if (i > 0) await exchange.sleep(options.chunkDelayMs);
    if (exchange.isClosed()) return;
    res.write(frame);
  }
  res.end();
}
