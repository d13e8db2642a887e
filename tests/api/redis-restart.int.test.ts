import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { PrivateRedis } from "../support/private-redis.js";
import { SseClient } from "../support/sse.js";
import { startStack, type Stack } from "../support/stack.js";

describe("a Redis restart loses nothing that was acknowledged", () => {
  let redis: PrivateRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({
      apis: 2,
      workers: 1,
      env: { REDIS_URL: redis.url, API_SSE_HEARTBEAT_MS: "1000", WORKER_QUEUED_GRACE_MS: "1500" },
    });
  });
  afterAll(async () => {
    await stack.close();
    await redis.close();
  });

  it("a live stream gets every event exactly once across the restart, and so does a resume", async () => {
    const chunks = Array.from({ length: 60 }, (_, i) => `r${i} `);
    stack.fake.enqueue({ chunks, chunkDelayMs: 50 }, { contains: "survive the restart" });
    const queued = await stack.request<{ session_id: string; turn_id: string }>(
      "POST",
      "/sessions",
      { prompt: "survive the restart", model: "claude-haiku-4-5" },
      { headers: { prefer: "respond-async" } },
    );
    expect(queued.status).toBe(202);
    const id = queued.body.session_id;
    const live = await SseClient.connect(`${stack.apis[1]!.url}/sessions/${id}/events?after=0`);
    await live.waitFor((c) =>
      c.events.filter((e) => e.type === "text_delta").length >= 5 ? true : undefined,
    );

    await redis.stopServer();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await redis.startServer();

    await live.waitFor((c) => c.events.find((e) => e.type === "run_completed"), 30_000);
    const seqs = live.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    const text = live.events
      .filter((e) => e.type === "text_delta")
      .map((e) => e.payload["delta"])
      .join("");
    expect(text).toBe(chunks.join(""));

    const resumed = await SseClient.connect(`${stack.apis[0]!.url}/sessions/${id}/events`, {
      "last-event-id": "10",
    });
    await resumed.waitFor((c) => c.events.find((e) => e.type === "run_completed"));
    expect(resumed.events.map((e) => e.seq)).toEqual(seqs.slice(10));
    await Promise.all([live.close(), resumed.close()]);
  });

  it("a turn accepted while Redis is down runs once Redis is back", async () => {
    await redis.stopServer();
    const queued = await stack.request<{ session_id: string; turn_id: string }>(
      "POST",
      "/sessions",
      { prompt: "accepted during the outage", model: "claude-haiku-4-5" },
      { headers: { prefer: "respond-async" } },
    );
    expect(queued.status).toBe(202);
    await redis.startServer();
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{ status: string }>(
          "select status from turns where id = $1",
          [queued.body.turn_id],
        );
        return rows[0]?.status === "completed" ? true : undefined;
      },
      { what: "the turn accepted during the outage to complete", timeoutMs: 30_000 },
    );
    const sync = await stack.request<{ text: string }>("POST", "/sessions", {
      prompt: "after",
      model: "claude-haiku-4-5",
    });
    expect(sync.status).toBe(200);
    expect(sync.body.text).toBe("Echo: after");
  });
});
