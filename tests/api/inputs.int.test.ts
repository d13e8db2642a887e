import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface ErrorBody {
  error: string;
  code: string;
}

describe("runtime inputs: external events, peer responses and system context", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 2, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function newSession(prompt = "hello"): Promise<string> {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt,
      model: "claude-haiku-4-5",
    });
    expect(created.status).toBe(200);
    return created.body.session_id;
  }

  function requestsMentioning(text: string) {
    return stack.fake.requests().filter((request) => JSON.stringify(request.body).includes(text));
  }

  async function turnsOf(sessionId: string) {
    const { rows } = await stack.db.handle.pool.query<{ kind: string; status: string }>(
      "select kind, status from turns where session_id = $1 order by created_at",
      [sessionId],
    );
    return rows;
  }

  it("a webhook to an idle session runs a turn whose model call sees the payload", async () => {
    const id = await newSession();
    const posted = await stack.request("POST", `/sessions/${id}/external-events`, {
      alert: "CPU spike",
      host: "web-03",
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ queued: true });
    await waitFor(() => (requestsMentioning("web-03").length > 0 ? true : undefined), {
      what: "the woken turn to call the model",
    });
    await waitFor(async () =>
      (await turnsOf(id)).at(-1)?.status === "completed" ? true : undefined,
    );
    const turns = await turnsOf(id);
    expect(turns.map((turn) => turn.kind)).toEqual(["prompt", "inbox"]);
    const history = await stack.request<{
      messages: { role: string; kind?: string; blocks?: unknown[] }[];
    }>("GET", `/sessions/${id}/history`);
    const notice = history.body.messages.find((message) => message.role === "system_notice");
    expect(notice).toMatchObject({
      kind: "external_event",
      blocks: [
        {
          type: "external_event",
          event_type: "webhook",
          source: "external:webhook",
          payload: { host: "web-03" },
        },
      ],
    });
    expect(history.body.messages.at(-1)?.role).toBe("block_assistant");
  });

  it("events that arrive during a running turn run together in one turn after it", async () => {
    const id = await newSession();
    stack.fake.enqueue({ text: "slow", delayMs: 1_500 }, { contains: "keep busy" });
    const running = stack.request("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "keep busy",
    });
    await waitFor(async () =>
      (await turnsOf(id)).at(-1)?.status === "running" ? true : undefined,
    );
    for (const n of [1, 2, 3]) {
      const posted = await stack.request(
        "POST",
        `/sessions/${id}/external-events`,
        { kind: "generic_json", event_type: "deploy", payload: { step: `coalesce-${n}` } },
        { api: stack.apis[n % 2] },
      );
      expect(posted.status).toBe(202);
    }
    expect((await running).status).toBe(200);
    await waitFor(
      async () => {
        const turns = await turnsOf(id);
        return turns.length === 3 && turns[2]?.status === "completed" ? true : undefined;
      },
      { what: "the coalesced inbox turn" },
    );
    const calls = requestsMentioning("coalesce-1");
    expect(calls).toHaveLength(1);
    const body = JSON.stringify(calls[0]?.body);
    expect(body).toContain("coalesce-2");
    expect(body).toContain("coalesce-3");
    expect((await turnsOf(id)).map((turn) => turn.kind)).toEqual(["prompt", "prompt", "inbox"]);
  });

  it("a full inbox answers 503 and nothing admitted is lost", async () => {
    await stack.request("PATCH", "/config", { inbox: { capacity: 2, wake_on_event: false } });
    try {
      const id = await newSession();
      for (const n of [1, 2]) {
        expect(
          (await stack.request("POST", `/sessions/${id}/external-events`, { keep: `kept-${n}` }))
            .status,
        ).toBe(202);
      }
      const full = await stack.request<ErrorBody>("POST", `/sessions/${id}/external-events`, {
        keep: "dropped-3",
      });
      expect(full.status).toBe(503);
      expect(full.body.code).toBe("SERVICE_UNAVAILABLE");
      expect(await turnsOf(id)).toHaveLength(1); // waking is off: nothing ran
      const next = await stack.request("POST", `/sessions/${id}/messages`, {
        session_id: id,
        prompt: "what happened?",
      });
      expect(next.status).toBe(200);
      const sent = JSON.stringify(stack.fake.requests().at(-1)?.body);
      expect(sent).toContain("kept-1");
      expect(sent).toContain("kept-2");
      expect(sent).not.toContain("dropped-3");
      // The inbox drained: there is room again.
      expect(
        (await stack.request("POST", `/sessions/${id}/external-events`, { keep: "later" })).status,
      ).toBe(202);
    } finally {
      await stack.request("PATCH", "/config", { inbox: null });
    }
  });

  it("an Idempotency-Key already admitted is acknowledged and not queued twice", async () => {
    await stack.request("PATCH", "/config", { inbox: { wake_on_event: false } });
    try {
      const id = await newSession();
      for (const api of stack.apis) {
        const posted = await stack.request(
          "POST",
          `/sessions/${id}/external-events`,
          { order: 42 },
          { api, headers: { "idempotency-key": "evt-42" } },
        );
        expect(posted.status).toBe(202);
      }
      const envelope = {
        kind: "generic_json",
        event_type: "ci",
        payload: { build: 7 },
        source_event_id: "build-7",
      };
      expect(
        (await stack.request("POST", `/sessions/${id}/external-events`, envelope)).status,
      ).toBe(202);
      expect(
        (await stack.request("POST", `/sessions/${id}/external-events`, envelope)).status,
      ).toBe(202);
      const { rows } = await stack.db.handle.pool.query(
        "select id from session_inputs where session_id = $1",
        [id],
      );
      expect(rows).toHaveLength(2);
    } finally {
      await stack.request("PATCH", "/config", { inbox: null });
    }
  });

  it("validates envelopes and refuses unknown or archived sessions", async () => {
    const id = await newSession();
    const reserved = await stack.request<ErrorBody>("POST", `/sessions/${id}/external-events`, {
      kind: "peer_response_terminal",
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.error).toContain("/peer-response-terminal");
    const empty = await stack.request<ErrorBody>("POST", `/sessions/${id}/external-events`, {
      kind: "generic_json",
      event_type: "",
      payload: {},
    });
    expect(empty.status).toBe(400);
    const notJson = await stack.request<ErrorBody>(
      "POST",
      `/sessions/${id}/external-events`,
      undefined,
      {
        rawBody: "alert=cpu",
        headers: { "content-type": "text/plain" },
      },
    );
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe("BAD_REQUEST");
    const badJson = await stack.request<ErrorBody>(
      "POST",
      `/sessions/${id}/external-events`,
      undefined,
      {
        rawBody: "{oops",
        headers: { "content-type": "application/json" },
      },
    );
    expect(badJson.status).toBe(400);
    const unknown = await stack.request<ErrorBody>(
      "POST",
      "/sessions/01936f8a-7b2c-7000-8000-000000000011/external-events",
      { a: 1 },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("SESSION_NOT_FOUND");
    await stack.request("DELETE", `/sessions/${id}`);
    const archived = await stack.request<ErrorBody>("POST", `/sessions/${id}/external-events`, {
      a: 1,
    });
    expect(archived.status).toBe(404);
  });

  it("admits typed peer responses (unknown fields rejected) and wakes the session", async () => {
    const id = await newSession();
    const base = {
      peer_id: "00000000-0000-4000-8000-000000000161",
      display_name: "analyst",
      request_id: "00000000-0000-4000-8000-000000000162",
      status: "completed",
      result: { token: "silver harbor" },
    };
    const extra = await stack.request<ErrorBody>("POST", `/sessions/${id}/peer-response-terminal`, {
      ...base,
      extra: 1,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error).toContain("extra");
    const badUuid = await stack.request("POST", `/sessions/${id}/peer-response-terminal`, {
      ...base,
      peer_id: "analyst",
    });
    expect(badUuid.status).toBe(400);
    const badStatus = await stack.request("POST", `/sessions/${id}/peer-response-terminal`, {
      ...base,
      status: "done",
    });
    expect(badStatus.status).toBe(400);
    const posted = await stack.request("POST", `/sessions/${id}/peer-response-terminal`, base);
    expect(posted.status).toBe(202);
    await waitFor(() => (requestsMentioning("silver harbor").length > 0 ? true : undefined), {
      what: "the peer response to reach the model",
    });
  });

  it("stages system context for the next turn with idempotency", async () => {
    const id = await newSession();
    const path = `/sessions/${id}/system_context`;
    const staged = await stack.request("POST", path, {
      text: "  The user is on the gold plan.  ",
      source: "crm",
      idempotency_key: "plan",
    });
    expect(staged.body).toEqual({ session_id: id, status: "staged" });
    expect(
      (
        await stack.request("POST", path, {
          text: "The user is on the gold plan.",
          source: "crm",
          idempotency_key: "plan",
        })
      ).body,
    ).toEqual({
      session_id: id,
      status: "duplicate",
    });
    const conflict = await stack.request<ErrorBody>("POST", path, {
      text: "different",
      source: "crm",
      idempotency_key: "plan",
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe("system-context idempotency conflict for key 'plan'");
    const empty = await stack.request<ErrorBody>("POST", path, { text: "   " });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe("system context text must not be empty");

    await stack.request("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "which plan?",
    });
    const system = JSON.stringify(stack.fake.requests().at(-1)?.body["system"]);
    expect(system).toContain("[Runtime System Context]");
    expect(system).toContain("source: crm");
    expect(system).toContain("gold plan");
    const { rows } = await stack.db.handle.pool.query<{ status: string }>(
      "select status from session_system_context where session_id = $1",
      [id],
    );
    expect(rows.map((row) => row.status)).toEqual(["applied"]);
    const again = await stack.request("POST", path, {
      text: "The user is on the gold plan.",
      source: "crm",
      idempotency_key: "plan",
    });
    expect(again.body).toEqual({ session_id: id, status: "duplicate" });
  });
});

describe("the webhook secret", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 0, env: { RKAT_WEBHOOK_SECRET: "s3cret-value" } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("is required, compared in constant time, and checked before the session lookup", async () => {
    const path = "/sessions/01936f8a-7b2c-7000-8000-000000000012/external-events";
    for (const headers of [
      {} as Record<string, string>,
      { "x-webhook-secret": "wrong" },
      { "x-webhook-secret": "s3cret-valuE" },
      { "x-webhook-secret": "x".repeat(500) },
    ]) {
      const response = await stack.request<ErrorBody>("POST", path, { a: 1 }, { headers });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: "invalid webhook secret", code: "UNAUTHORIZED" });
    }
    const right = await stack.request<ErrorBody>(
      "POST",
      path,
      { a: 1 },
      { headers: { "x-webhook-secret": "s3cret-value" } },
    );
    expect(right.status).toBe(404);
    const created = await stack.request<{ session_id: string }>(
      "POST",
      "/sessions",
      { prompt: "queued only", model: "claude-haiku-4-5" },
      { headers: { prefer: "respond-async" } },
    );
    const accepted = await stack.request(
      "POST",
      `/sessions/${created.body.session_id}/external-events`,
      { a: 1 },
      { headers: { "x-webhook-secret": "s3cret-value" } },
    );
    expect(accepted.status).toBe(202);
  });
});
