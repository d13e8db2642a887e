import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startStack, type Stack } from "../support/stack.js";
import { waitFor } from "../support/poll.js";

interface RunResultBody {
  session_id: string;
  session_ref: string;
  text: string;
  turns: number;
  tool_calls: number;
  usage: {
    input_tokens: number;
    output_tokens: number;
    total_tokens: number;
    cache_creation_tokens: number | null;
    cache_read_tokens: number | null;
  };
  structured_output: unknown;
  schema_warnings: unknown;
}

interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}

describe("a first turn through api and worker processes", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 2, scheduler: true });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function countRows(table: string, sessionId?: string): Promise<number> {
    const where = sessionId ? ` where session_id = '${sessionId}'` : "";
    const { rows } = await stack.db.handle.pool.query<{ n: string }>(
      `select count(*) as n from ${table}${where}`,
    );
    return Number(rows[0]?.n);
  }

  it.each([
    { provider: "anthropic", model: "claude-sonnet-4-6", api: "anthropic" },
    { provider: "openai", model: "gpt-5.4-mini", api: "openai-chat" },
  ])("runs a $provider turn end to end with the fake's usage", async ({ model, api }) => {
    stack.fake.enqueue(
      {
        chunks: ["Hello ", "from ", model],
        usage: { inputTokens: 42, outputTokens: 7, cacheReadTokens: 3, cacheCreationTokens: 2 },
      },
      { model },
    );
    const response = await stack.request<RunResultBody>("POST", "/sessions", {
      prompt: `Say hello (${model})`,
      model,
      system_prompt: "You are terse.",
      labels: { team: "alpha" },
    });
    expect(response.status).toBe(200);
    const result = response.body;
    expect(result.text).toBe(`Hello from ${model}`);
    expect(result.turns).toBe(1);
    expect(result.tool_calls).toBe(0);
    expect(result.session_ref).toBe(`${stack.realm}:${result.session_id}`);
    expect(result.structured_output).toBeNull();
    expect(result.schema_warnings).toBeNull();
    expect(result.usage.input_tokens).toBe(42);
    expect(result.usage.output_tokens).toBe(7);
    expect(result.usage.total_tokens).toBe(49);
    expect(result.usage.cache_read_tokens).toBe(3);
    if (api === "anthropic") expect(result.usage.cache_creation_tokens).toBe(2);

    const sent = stack.fake.requests().filter((request) => request.model === model);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.api).toBe(api);
    expect(JSON.stringify(sent[0]?.body)).toContain(`Say hello (${model})`);
    expect(JSON.stringify(sent[0]?.body)).toContain("You are terse.");
    if (api === "openai-chat") {
      expect(sent[0]?.body["stream_options"]).toEqual({ include_usage: true });
    }

    const details = await stack.request<Record<string, unknown>>(
      "GET",
      `/sessions/${result.session_id}`,
    );
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      session_id: result.session_id,
      message_count: 3,
      total_tokens: 49,
      labels: { team: "alpha" },
      is_active: false,
      model,
    });

    const { rows } = await stack.db.handle.pool.query<{ seq: number; role: string; body: unknown }>(
      "select seq, role, body from messages where session_id = $1 order by seq",
      [result.session_id],
    );
    expect(rows.map((row) => row.role)).toEqual(["system", "user", "block_assistant"]);
    expect(rows[2]?.body).toMatchObject({
      role: "block_assistant",
      stop_reason: "end_turn",
      blocks: [{ block_type: "text", data: { text: `Hello from ${model}` } }],
    });
    const events = await stack.db.handle.pool.query<{ seq: number; type: string }>(
      "select seq, type from session_events where session_id = $1 order by seq",
      [result.session_id],
    );
    const types = events.rows.map((row) => row.type);
    expect(types[0]).toBe("run_started");
    expect(types[1]).toBe("turn_started");
    // Deltas that arrive within one flush are coalesced into one event.
    expect(types.filter((type) => type === "text_delta").length).toBeGreaterThanOrEqual(1);
    expect(types.slice(-3)).toEqual(["text_complete", "turn_completed", "run_completed"]);
    expect(events.rows.map((row) => row.seq)).toEqual(types.map((_, index) => index + 1));
  });

  it("continues a session and keeps the transcript in order", async () => {
    const created = await stack.request<RunResultBody>("POST", "/sessions", {
      prompt: "first",
      model: "claude-haiku-4-5",
    });
    expect(created.status).toBe(200);
    const id = created.body.session_id;
    const next = await stack.request<RunResultBody>("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "second",
    });
    expect(next.status).toBe(200);
    expect(next.body.text).toBe("Echo: second");
    const last = stack.fake.requests().at(-1);
    expect(JSON.stringify(last?.body)).toContain("first");
    const details = await stack.request<{ message_count: number }>("GET", `/sessions/${id}`);
    expect(details.body.message_count).toBe(4);
  });

  it("a duplicate delivery of a finished turn commits nothing", async () => {
    const created = await stack.request<RunResultBody>("POST", "/sessions", {
      prompt: "only once",
      model: "claude-haiku-4-5",
    });
    expect(created.status).toBe(200);
    const sessionId = created.body.session_id;
    const { rows } = await stack.db.handle.pool.query<{
      id: string;
      updated_at: Date;
      lease_epoch: number;
    }>("select id, updated_at, lease_epoch from turns where session_id = $1", [sessionId]);
    const turn = rows[0]!;
    const before = {
      messages: await countRows("messages", sessionId),
      events: await countRows("session_events", sessionId),
      providerCalls: stack.fake.requests().length,
    };

    const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    const queue = new Queue("agent-turn", { connection, prefix: stack.prefix });
    try {
      const jobs = await Promise.all(
        [1, 2, 3].map((n) =>
          queue.add("agent-turn", { turnId: turn.id }, { jobId: `dup-${turn.id}-${n}` }),
        ),
      );
      await waitFor(
        async () => {
          const states = await Promise.all(jobs.map((job) => job.getState()));
          return states.every((state) => state === "completed") ? true : undefined;
        },
        { what: "duplicate jobs to be processed" },
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }

    expect(await countRows("messages", sessionId)).toBe(before.messages);
    expect(await countRows("session_events", sessionId)).toBe(before.events);
    expect(stack.fake.requests().length).toBe(before.providerCalls);
    const after = await stack.db.handle.pool.query<{
      updated_at: Date;
      lease_epoch: number;
      status: string;
    }>("select updated_at, lease_epoch, status from turns where id = $1", [turn.id]);
    expect(after.rows[0]?.status).toBe("completed");
    expect(after.rows[0]?.lease_epoch).toBe(turn.lease_epoch);
    expect(after.rows[0]?.updated_at.getTime()).toBe(turn.updated_at.getTime());
  });

  it("concurrent deliveries of a queued turn run it exactly once", async () => {
    stack.fake.enqueue({ text: "once", delayMs: 300 }, { model: "claude-opus-4-5" });
    const queued = await stack.request<{ session_id: string; turn_id: string }>(
      "POST",
      "/sessions",
      { prompt: "race", model: "claude-opus-4-5" },
      { headers: { prefer: "respond-async" } },
    );
    expect(queued.status).toBe(202);
    const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    const queue = new Queue("agent-turn", { connection, prefix: stack.prefix });
    try {
      await Promise.all(
        [1, 2, 3].map((n) =>
          queue.add(
            "agent-turn",
            { turnId: queued.body.turn_id },
            { jobId: `race-${queued.body.turn_id}-${n}` },
          ),
        ),
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{ status: string }>(
          "select status from turns where id = $1",
          [queued.body.turn_id],
        );
        return rows[0]?.status === "completed" ? true : undefined;
      },
      { what: "the raced turn to complete" },
    );
    expect(
      stack.fake.requests().filter((request) => request.model === "claude-opus-4-5"),
    ).toHaveLength(1);
    const { rows } = await stack.db.handle.pool.query<{ role: string }>(
      "select role from messages where session_id = $1 order by seq",
      [queued.body.session_id],
    );
    expect(rows.map((row) => row.role)).toEqual(["user", "block_assistant"]);
  });

  it("a provider failure fails the turn, says why, and leaves the session usable", async () => {
    // A 400 is not retried: the turn fails at once.
    stack.fake.enqueue(
      { error: { status: 400, message: "upstream exploded" } },
      { model: "claude-sonnet-4-5" },
    );
    const failed = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "will fail",
      model: "claude-sonnet-4-5",
    });
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe("AGENT_ERROR");
    expect(failed.body.error).toContain("upstream exploded");
    const sessionId = String(failed.body.details?.["session_id"]);
    expect(failed.body.details).toMatchObject({ session_created: true, resumable: true });

    const retry = await stack.request<RunResultBody>("POST", `/sessions/${sessionId}/messages`, {
      session_id: sessionId,
      prompt: "try again",
    });
    expect(retry.status).toBe(200);
    expect(retry.body.text).toBe("Echo: try again");
  });

  it("a provider auth failure answers 502 PROVIDER_ERROR", async () => {
    stack.fake.enqueue(
      { error: { status: 401, message: "invalid x-api-key" } },
      { model: "gpt-5.4" },
    );
    const failed = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "auth",
      model: "gpt-5.4",
    });
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe("PROVIDER_ERROR");
    expect(failed.body.error).toContain("401");
  });

  it("answers async creates with 202 and the turn completes in the background", async () => {
    const queued = await stack.request<{ session_id: string; turn_id: string; status: string }>(
      "POST",
      "/sessions",
      { prompt: "later", model: "claude-haiku-4-5" },
      { headers: { prefer: "respond-async" } },
    );
    expect(queued.status).toBe(202);
    expect(queued.headers.get("preference-applied")).toBe("respond-async");
    expect(queued.body.status).toBe("queued");
    const details = await waitFor(
      async () => {
        const response = await stack.request<{ message_count: number; is_active: boolean }>(
          "GET",
          `/sessions/${queued.body.session_id}`,
        );
        return response.body.message_count === 2 && !response.body.is_active
          ? response.body
          : undefined;
      },
      { what: "the async turn to finish" },
    );
    expect(details.message_count).toBe(2);
  });

  describe("bad input", () => {
    it("missing prompt → 400 naming the field, nothing written", async () => {
      const before = await countRows("sessions");
      const response = await stack.request<ErrorBody>("POST", "/sessions", {
        model: "claude-haiku-4-5",
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("BAD_REQUEST");
      expect(response.body.error).toContain("prompt");
      expect(await countRows("sessions")).toBe(before);
    });

    it("ill-typed prompt → 400 naming the field", async () => {
      const response = await stack.request<ErrorBody>("POST", "/sessions", { prompt: 42 });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: "BAD_REQUEST" });
      expect(response.body.error).toContain("prompt");
    });

    it("malformed JSON → 400 JSON error", async () => {
      const response = await stack.request<ErrorBody>("POST", "/sessions", undefined, {
        rawBody: "{not json",
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("BAD_REQUEST");
    });

    it("unknown session → 404 SESSION_NOT_FOUND", async () => {
      const id = "01936f8a-7b2c-7000-8000-000000000099";
      const get = await stack.request<ErrorBody>("GET", `/sessions/${id}`);
      expect(get.status).toBe(404);
      expect(get.body).toEqual({ error: `Session not found: ${id}`, code: "SESSION_NOT_FOUND" });
      const cont = await stack.request<ErrorBody>("POST", `/sessions/${id}/messages`, {
        session_id: id,
        prompt: "hello?",
      });
      expect(cont.status).toBe(404);
      expect(cont.body.code).toBe("SESSION_NOT_FOUND");
    });

    it("unknown route → 404 JSON", async () => {
      const response = await stack.request<ErrorBody>("GET", "/nope");
      expect(response.status).toBe(404);
      expect(response.body.code).toBe("NOT_FOUND");
    });
  });

  it("GET /health answers text ok", async () => {
    const response = await stack.request("GET", "/health");
    expect(response.status).toBe(200);
    expect(response.text).toBe("ok");
    expect(response.headers.get("content-type")).toContain("text/plain");
  });
});

describe("without provider keys", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 0, withoutProviderKeys: true });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("starts, warns once naming the variables, and answers 502 naming the env var", async () => {
    const warnings = stack.api.lines.filter((line) =>
      /no provider configured/.test(line.msg ?? ""),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain("ANTHROPIC_API_KEY");
    const response = await stack.request<ErrorBody>("POST", "/sessions", { prompt: "hi" });
    expect(response.status).toBe(502);
    expect(response.body.code).toBe("PROVIDER_ERROR");
    expect(response.body.error).toContain("ANTHROPIC_API_KEY");
    const openai = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "hi",
      model: "gpt-5.5",
    });
    expect(openai.body.error).toContain("OPENAI_API_KEY");
    const { rows } = await stack.db.handle.pool.query<{ n: string }>(
      "select count(*) as n from sessions",
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
