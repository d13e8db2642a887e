import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}

describe("request cancellation (X-Meerkat-Request-Id) across API replicas", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 2, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  const cancel = (id: string, api = 1) =>
    stack.request<{ request_id: string; cancelled: boolean; reason?: string } & ErrorBody>(
      "POST",
      `/requests/${encodeURIComponent(id)}/cancel`,
      undefined,
      { api: stack.apis[api] },
    );

  it("cancels during the provider call: the waiting create answers 499 and nothing is kept", async () => {
    stack.fake.enqueue(
      { chunks: ["never ", "finished"], hang: true },
      { contains: "cancel me mid-call" },
    );
    const pending = stack.request<ErrorBody>(
      "POST",
      "/sessions",
      { prompt: "cancel me mid-call", model: "claude-haiku-4-5" },
      { headers: { "x-meerkat-request-id": "req-mid" } },
    );
    const call = await waitFor(() =>
      stack.fake
        .requests()
        .find((request) => JSON.stringify(request.body).includes("cancel me mid-call")),
    );
    const cancelled = await cancel("req-mid");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ request_id: "req-mid", cancelled: true });
    const response = await pending;
    expect(response.status).toBe(499);
    expect(response.body.code).toBe("REQUEST_CANCELLED");
    await waitFor(() => (call.clientDisconnected ? true : undefined), {
      what: "the provider call to be aborted",
    });
    const sessionId = String(response.body.details?.["session_id"]);
    const get = await stack.request("GET", `/sessions/${sessionId}`);
    expect(get.status).toBe(404);
    const { rows } = await stack.db.handle.pool.query(
      "select 1 from messages where session_id = $1",
      [sessionId],
    );
    expect(rows).toHaveLength(0);
    // Idempotent: cancelling again reports cancelled.
    expect((await cancel("req-mid", 0)).body).toEqual({ request_id: "req-mid", cancelled: true });
  });

  it("cancels before the worker starts", async () => {
    await stack.workers[0]!.stop();
    try {
      const pending = stack.request<ErrorBody>(
        "POST",
        "/sessions",
        { prompt: "never runs", model: "claude-haiku-4-5" },
        { api: stack.apis[0], headers: { "x-meerkat-request-id": "req-early" } },
      );
      await waitFor(async () => {
        const { rows } = await stack.db.handle.pool.query(
          "select 1 from requests where request_id = 'req-early' and turn_id is not null",
        );
        return rows.length > 0 ? true : undefined;
      });
      const cancelled = await cancel("req-early");
      expect(cancelled.body).toEqual({ request_id: "req-early", cancelled: true });
      const response = await pending;
      expect(response.status).toBe(499);
      const { rows } = await stack.db.handle.pool.query<{ status: string }>(
        "select t.status from turns t join requests r on r.turn_id = t.id where r.request_id = 'req-early'",
      );
      expect(rows[0]?.status).toBe("cancelled");
    } finally {
      await stack.startWorker();
    }
    expect(
      stack.fake.requests().some((request) => JSON.stringify(request.body).includes("never runs")),
    ).toBe(false);
  });

  it("after commit a cancel reports already_terminal and the success stands", async () => {
    const created = await stack.request<{ session_id: string; text: string }>(
      "POST",
      "/sessions",
      { prompt: "finish first", model: "claude-haiku-4-5" },
      { headers: { "x-meerkat-request-id": "req-done" } },
    );
    expect(created.status).toBe(200);
    const cancelled = await cancel("req-done");
    expect(cancelled.body).toEqual({
      request_id: "req-done",
      cancelled: false,
      reason: "already_terminal",
    });
    expect((await stack.request("GET", `/sessions/${created.body.session_id}`)).status).toBe(200);
    // A finished id can be used again.
    const reused = await stack.request(
      "POST",
      `/sessions/${created.body.session_id}/messages`,
      { session_id: created.body.session_id, prompt: "again" },
      { headers: { "x-meerkat-request-id": "req-done" } },
    );
    expect(reused.status).toBe(200);
  });

  it("a cancelled continue answers 499 and the session stays usable", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    const id = created.body.session_id;
    stack.fake.enqueue({ hang: true }, { contains: "continue then cancel" });
    const pending = stack.request<ErrorBody>(
      "POST",
      `/sessions/${id}/messages`,
      { session_id: id, prompt: "continue then cancel" },
      { headers: { "x-meerkat-request-id": "req-cont" } },
    );
    await waitFor(() =>
      stack.fake
        .requests()
        .find((request) => JSON.stringify(request.body).includes("continue then cancel")),
    );
    expect((await cancel("req-cont", 0)).body.cancelled).toBe(true);
    expect((await pending).status).toBe(499);
    const after = await stack.request<{ text: string }>("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "still here",
    });
    expect(after.status).toBe(200);
    const history = await stack.request<{ message_count: number }>(
      "GET",
      `/sessions/${id}/history`,
    );
    expect(history.body.message_count).toBe(4);
  });

  it("refuses a duplicate in-flight id on any replica, empty ids and unknown ids", async () => {
    stack.fake.enqueue({ text: "slow", delayMs: 1_000 }, { contains: "hold the id" });
    const first = stack.request(
      "POST",
      "/sessions",
      { prompt: "hold the id", model: "claude-haiku-4-5" },
      {
        headers: { "x-meerkat-request-id": "req-dup" },
      },
    );
    await waitFor(async () => {
      const { rows } = await stack.db.handle.pool.query(
        "select 1 from requests where request_id = 'req-dup'",
      );
      return rows.length > 0 ? true : undefined;
    });
    const second = await stack.request<ErrorBody>(
      "POST",
      "/sessions",
      { prompt: "same id", model: "claude-haiku-4-5" },
      { api: stack.apis[1], headers: { "x-meerkat-request-id": "req-dup" } },
    );
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      error: "request ID already in flight: req-dup",
      code: "DUPLICATE_REQUEST_ID",
    });
    expect((await first).status).toBe(200);

    const empty = await stack.request<ErrorBody>(
      "POST",
      "/sessions",
      { prompt: "x" },
      { headers: { "x-meerkat-request-id": "  " } },
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe("X-Meerkat-Request-Id must not be empty");
    const unknown = await cancel("never-seen");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: "request not found: never-seen", code: "NOT_FOUND" });
  });
});
