import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { SseClient } from "../support/sse.js";
import { startStack, type Stack } from "../support/stack.js";

interface Queued {
  session_id: string;
  turn_id: string;
}

function seqsOf(client: SseClient): number[] {
  return client.events.map((event) => event.seq);
}

function isContiguous(seqs: number[], from: number): boolean {
  return seqs.every((seq, index) => seq === from + index);
}

describe("SSE: resumable session event streams", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apis: 2,
      workers: 2,
      scheduler: true,
      env: {
        API_SSE_HEARTBEAT_MS: "300",
        SCHEDULER_MAINTENANCE_INTERVAL_MS: "200",
        WORKER_EVENT_FLUSH_MS: "20",
      },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function createAsync(body: Record<string, unknown>, api = 0): Promise<Queued> {
    const response = await stack.request<Queued>(
      "POST",
      "/sessions",
      { model: "claude-haiku-4-5", ...body },
      { api: stack.apis[api], headers: { prefer: "respond-async" } },
    );
    expect(response.status).toBe(202);
    return response.body;
  }

  it("a stream on one API sees a turn submitted through the other, from the first event", async () => {
    stack.fake.enqueue({ chunks: ["one ", "two ", "three"] }, { contains: "cross replica" });
    const queued = await createAsync({ prompt: "cross replica" }, 0);
    const stream = await SseClient.connect(
      `${stack.apis[1]!.url}/sessions/${queued.session_id}/events?after=0`,
    );
    expect(stream.status).toBe(200);
    await stream.waitFor((c) => c.events.find((e) => e.type === "run_completed"));
    expect(stream.frames[0]?.event).toBe("session_loaded");
    expect(stream.frames[0]?.json).toMatchObject({ session_id: queued.session_id });
    // Deltas that arrive within one flush are coalesced, so count the text, not the frames.
    const types = stream.events
      .map((e) => e.type)
      .filter((type, i, all) => type !== "text_delta" || all[i - 1] !== "text_delta");
    expect(types).toEqual([
      "run_started",
      "turn_started",
      "text_delta",
      "text_complete",
      "turn_completed",
      "run_completed",
    ]);
    expect(
      stream.events
        .filter((e) => e.type === "text_delta")
        .map((e) => e.payload["delta"])
        .join(""),
    ).toBe("one two three");
    expect(isContiguous(seqsOf(stream), 1)).toBe(true);
    const frame = stream.frames.find((f) => f.event === "run_completed")!;
    expect(frame.id).toBe(String((frame.json as { seq: number }).seq));
    expect(frame.json).toMatchObject({
      source: { type: "session", session_id: queued.session_id },
      source_id: `session:${queued.session_id}`,
      payload: { type: "run_completed", result: "one two three" },
    });
    expect(typeof (frame.json as { event_id: string }).event_id).toBe("string");
    expect(typeof (frame.json as { timestamp_ms: number }).timestamp_ms).toBe("number");
    await stream.close();
  });

  it("without a cursor the stream carries only new events (last_seq says where it starts)", async () => {
    const first = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "before",
      model: "claude-haiku-4-5",
    });
    const id = first.body.session_id;
    const stream = await SseClient.connect(`${stack.apis[0]!.url}/sessions/${id}/events`);
    const loaded = await stream.waitFor((c) => c.frames.find((f) => f.event === "session_loaded"));
    const lastSeq = (loaded.json as { last_seq: number }).last_seq;
    expect(lastSeq).toBeGreaterThan(0);
    await stack.request(
      "POST",
      `/sessions/${id}/messages`,
      { session_id: id, prompt: "after" },
      { api: stack.apis[1] },
    );
    await stream.waitFor((c) => c.events.find((e) => e.type === "run_completed"));
    expect(stream.events[0]?.seq).toBe(lastSeq + 1);
    expect(isContiguous(seqsOf(stream), lastSeq + 1)).toBe(true);
    await stream.close();
  });

  it("a client that disconnects mid-turn and reconnects with Last-Event-ID gets no gap and no duplicate", async () => {
    stack.fake.enqueue(
      { chunks: Array.from({ length: 40 }, (_, i) => `t${i} `), chunkDelayMs: 25 },
      { contains: "long stream" },
    );
    const queued = await createAsync({ prompt: "long stream" });
    const first = await SseClient.connect(
      `${stack.apis[0]!.url}/sessions/${queued.session_id}/events?after=0`,
    );
    await first.waitFor((c) =>
      c.events.filter((e) => e.type === "text_delta").length >= 8 ? true : undefined,
    );
    await first.close();
    const seen = seqsOf(first);
    const lastSeen = seen.at(-1)!;

    const second = await SseClient.connect(
      `${stack.apis[1]!.url}/sessions/${queued.session_id}/events`,
      {
        "last-event-id": String(lastSeen),
      },
    );
    await second.waitFor((c) => c.events.find((e) => e.type === "run_completed"));
    const resumed = seqsOf(second);
    expect(resumed[0]).toBe(lastSeen + 1);
    const all = [...seen, ...resumed];
    expect(new Set(all).size).toBe(all.length);
    expect(isContiguous(all, 1)).toBe(true);
    const text = [...first.events, ...second.events]
      .filter((e) => e.type === "text_delta")
      .map((e) => e.payload["delta"])
      .join("");
    expect(text).toBe(Array.from({ length: 40 }, (_, i) => `t${i} `).join(""));
    const { rows } = await stack.db.handle.pool.query<{ n: string }>(
      "select count(*) as n from session_events where session_id = $1",
      [queued.session_id],
    );
    expect(Number(rows[0]?.n)).toBe(all.length);
    await second.close();
  });

  it("sends heartbeat comments on idle streams", async () => {
    const first = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "quiet",
      model: "claude-haiku-4-5",
    });
    const stream = await SseClient.connect(
      `${stack.api.url}/sessions/${first.body.session_id}/events`,
    );
    await stream.waitFor((c) => (c.heartbeats >= 2 ? true : undefined), 5_000);
    await stream.close();
  });

  it("rejects bad cursors and unknown sessions", async () => {
    const unknown = await SseClient.connect(
      `${stack.api.url}/sessions/01936f8a-7b2c-7000-8000-000000000077/events`,
    );
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.frames[0]!.data)).toMatchObject({ code: "SESSION_NOT_FOUND" });
    const first = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "cursor",
      model: "claude-haiku-4-5",
    });
    const badHeader = await SseClient.connect(
      `${stack.api.url}/sessions/${first.body.session_id}/events`,
      {
        "last-event-id": "abc",
      },
    );
    expect(badHeader.status).toBe(400);
    const badQuery = await SseClient.connect(
      `${stack.api.url}/sessions/${first.body.session_id}/events?after=-3`,
    );
    expect(badQuery.status).toBe(400);
  });

  it("an expired cursor gets resync_required, then the events still stored", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "expire me",
      model: "claude-haiku-4-5",
    });
    const id = created.body.session_id;
    await stack.db.handle.pool.query(
      `update realms set config = jsonb_set(config, '{events}', '{"retention": 0}'::jsonb, true) where id = $1`,
      [stack.realm],
    );
    try {
      await waitFor(
        async () => {
          const { rows } = await stack.db.handle.pool.query<{ pruned: number }>(
            "select events_pruned_through as pruned from sessions where id = $1",
            [id],
          );
          return Number(rows[0]?.pruned) > 0 ? true : undefined;
        },
        { what: "the scheduler to prune expired events" },
      );
    } finally {
      await stack.db.handle.pool.query(
        `update realms set config = config - 'events' where id = $1`,
        [stack.realm],
      );
    }
    const stream = await SseClient.connect(`${stack.api.url}/sessions/${id}/events?after=1`);
    const resync = await stream.waitFor((c) => c.frames.find((f) => f.event === "resync_required"));
    expect(resync.id).toBeUndefined();
    expect(resync.json).toMatchObject({
      session_id: id,
      requested_after: 1,
      reason: "cursor_expired",
    });
    await stream.close();
  });

  it("ends open streams with `done` when the API shuts down", async () => {
    const extra = await stack.startApi();
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "bye",
      model: "claude-haiku-4-5",
    });
    const stream = await SseClient.connect(
      `${extra.url}/sessions/${created.body.session_id}/events`,
    );
    await stream.waitFor((c) => c.frames.find((f) => f.event === "session_loaded"));
    const exit = extra.stop();
    await stream.waitFor((c) => c.frames.find((f) => f.event === "done"));
    await stream.waitFor((c) => (c.ended ? true : undefined));
    expect((await exit).code).toBe(0);
  });
});
