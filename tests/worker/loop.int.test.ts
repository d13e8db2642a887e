import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface RunResult {
  session_id: string;
  text: string;
  turns: number;
  tool_calls: number;
  terminal_cause_kind?: string;
  usage: { input_tokens: number; output_tokens: number };
}
interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}

describe("the agent loop", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
    const patched = await stack.request("PATCH", "/config", {
      retry: { initial_delay: "20ms", max_delay: "2s", max_retries: 3 },
    });
    expect(patched.status).toBe(200);
  });
  afterAll(async () => {
    await stack.close();
  });

  async function eventTypes(
    sessionId: string,
  ): Promise<{ type: string; payload: Record<string, unknown> }[]> {
    const { rows } = await stack.db.handle.pool.query<{
      type: string;
      payload: Record<string, unknown>;
    }>("select type, payload from session_events where session_id = $1 order by seq", [sessionId]);
    return rows;
  }

  it("answers unknown tools with an error result the model sees, and keeps going", async () => {
    stack.fake.enqueue(
      [
        { toolCalls: [{ id: "call_a", name: "no_such_tool", args: { x: 1 } }] },
        { text: "recovered" },
      ],
      { contains: "unknown tool please" },
    );
    const response = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "unknown tool please",
      model: "gpt-5.4-mini",
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ text: "recovered", turns: 2, tool_calls: 1 });
    const followUp = stack.fake
      .requests()
      .filter((r) => JSON.stringify(r.body).includes("unknown tool please"))
      .at(-1)!;
    expect(JSON.stringify(followUp.body)).toContain("Unknown tool 'no_such_tool'");
    const events = await eventTypes(response.body.session_id);
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      "run_started",
      "turn_started",
      "tool_call_requested",
      "tool_execution_started",
      "tool_execution_completed",
      "tool_result_received",
      "turn_started",
      "text_delta",
      "text_complete",
      "turn_completed",
      "run_completed",
    ]);
    expect(events.find((e) => e.type === "tool_execution_completed")?.payload).toMatchObject({
      id: "call_a",
      name: "no_such_tool",
      is_error: true,
    });
    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${response.body.session_id}/history`,
    );
    expect(history.body.messages.map((m) => m.role)).toEqual([
      "user",
      "block_assistant",
      "tool_results",
      "block_assistant",
    ]);
  });

  it("stores a reply and tool arguments carrying NUL characters, with U+FFFD in their place", async () => {
    stack.fake.enqueue(
      [
        { toolCalls: [{ id: "call_nul", name: "no_such_tool", args: { "k\u0000": "v\u0000" } }] },
        { chunks: ["bin", "\u0000", "ary"] },
      ],
      { contains: "nul in the reply" },
    );
    const response = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "nul in the reply",
      model: "claude-haiku-4-5",
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.text).toBe("bin\uFFFDary");
    const history = await stack.request<{ messages: unknown[] }>(
      "GET",
      `/sessions/${response.body.session_id}/history`,
    );
    const stored = JSON.stringify(history.body);
    expect(stored).toContain("bin\uFFFDary");
    expect(stored).toContain('"k\uFFFD":"v\uFFFD"');
    const deltas = (await eventTypes(response.body.session_id))
      .filter((event) => event.type === "text_delta")
      .map((event) => event.payload["delta"]);
    expect(deltas.join("")).toBe("bin\uFFFDary");
  });

  it("retries a 429 after the provider's retry-after, with a retrying event", async () => {
    stack.fake.enqueue(
      [
        { error: { status: 429, message: "slow down", retryAfterMs: 400 } },
        { text: "after the wait" },
      ],
      { contains: "rate limited please" },
    );
    const response = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "rate limited please",
      model: "claude-haiku-4-5",
    });
    expect(response.status).toBe(200);
    expect(response.body.text).toBe("after the wait");
    const calls = stack.fake
      .requests()
      .filter((r) => JSON.stringify(r.body).includes("rate limited please"));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(390);
    const retrying = (await eventTypes(response.body.session_id)).filter(
      (e) => e.type === "retrying",
    );
    expect(retrying).toHaveLength(1);
    expect(retrying[0]?.payload).toMatchObject({ attempt: 1, max_attempts: 4, delay_ms: 400 });
    expect(String(retrying[0]?.payload["error"])).toContain("slow down");
  });

  it("gives up after max_retries and fails the run with retry_exhausted", async () => {
    const overloaded = { error: { status: 503, message: "overloaded" } };
    stack.fake.enqueue([overloaded, overloaded, overloaded, overloaded], {
      contains: "always overloaded",
    });
    const response = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "always overloaded",
      model: "claude-haiku-4-5",
    });
    expect(response.status).toBe(500);
    expect(response.body.code).toBe("AGENT_ERROR");
    expect(response.body.error).toContain("after 4 attempts");
    expect(
      stack.fake.requests().filter((r) => JSON.stringify(r.body).includes("always overloaded")),
    ).toHaveLength(4);
    const events = await eventTypes(String(response.body.details?.["session_id"]));
    expect(events.filter((e) => e.type === "retrying")).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({
      type: "run_failed",
      payload: { terminal_cause_kind: "retry_exhausted" },
    });
  });

  it("ends the run with budget_exhausted when the tool-call budget runs out", async () => {
    stack.fake.enqueue(
      [
        {
          toolCalls: [
            { id: "call_1", name: "probe", args: {} },
            { id: "call_2", name: "probe", args: {} },
          ],
          text: "calling two tools",
        },
      ],
      { contains: "tool budget please" },
    );
    const response = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "tool budget please",
      model: "claude-haiku-4-5",
      budget_limits: { max_tool_calls: 1 },
    });
    expect(response.status).toBe(200);
    expect(response.body.terminal_cause_kind).toBe("budget_exhausted");
    expect(response.body.text).toBe("calling two tools");
    const events = await eventTypes(response.body.session_id);
    expect(events.find((e) => e.type === "budget_warning")?.payload).toMatchObject({
      budget_type: "tool_calls",
      percent: 1,
    });
    expect(events.some((e) => e.type === "tool_execution_started")).toBe(false);
    // The transcript stays valid for the next provider call: unanswered calls get error results.
    const next = await stack.request<RunResult>(
      "POST",
      `/sessions/${response.body.session_id}/messages`,
      {
        session_id: response.body.session_id,
        prompt: "and now?",
      },
    );
    expect(next.status).toBe(200);
    expect(JSON.stringify(stack.fake.requests().at(-1)!.body)).toContain(
      "tool-call budget exhausted",
    );
  });

  it("warns when the token budget nears its limit and stops when it is used up", async () => {
    const toolStep = (id: string) => ({
      toolCalls: [{ id, name: "probe", args: {} }],
      usage: { inputTokens: 30, outputTokens: 12 },
    });
    stack.fake.enqueue([toolStep("t1"), toolStep("t2"), toolStep("t3")], {
      contains: "token budget please",
    });
    const response = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "token budget please",
      model: "gpt-5.4-mini",
      budget_limits: { max_tokens: 100 },
    });
    expect(response.status).toBe(200);
    expect(response.body.terminal_cause_kind).toBe("budget_exhausted");
    expect(response.body.turns).toBe(3);
    const warnings = (await eventTypes(response.body.session_id))
      .filter((e) => e.type === "budget_warning")
      .map((e) => e.payload);
    expect(warnings).toEqual([
      { type: "budget_warning", budget_type: "tokens", used: 84, limit: 100, percent: 0.84 },
      { type: "budget_warning", budget_type: "tokens", used: 126, limit: 100, percent: 1 },
    ]);
  });

  it("stops at the turn limit", async () => {
    await stack.request("PATCH", "/config", { agent: { max_turns: 2 } });
    try {
      const loop = { toolCalls: [{ name: "probe", args: {} }] };
      stack.fake.enqueue([loop, loop, loop], { contains: "loop forever" });
      const response = await stack.request<RunResult>("POST", "/sessions", {
        prompt: "loop forever",
        model: "claude-haiku-4-5",
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        terminal_cause_kind: "turn_limit_reached",
        turns: 2,
        tool_calls: 2,
      });
    } finally {
      await stack.request("PATCH", "/config", { agent: { max_turns: null } });
    }
  });

  it("refuses budget_limits of the wrong type instead of ignoring them", async () => {
    for (const [limits, field] of [
      [{ max_tokens: "a lot" }, "budget_limits.max_tokens"],
      [{ max_tokens: -5 }, "budget_limits.max_tokens"],
      [{ max_tool_calls: 1.5 }, "budget_limits.max_tool_calls"],
      [{ max_duration: "soon" }, "budget_limits.max_duration"],
    ] as const) {
      const response = await stack.request<ErrorBody>("POST", "/sessions", {
        prompt: "bad budget",
        model: "claude-haiku-4-5",
        budget_limits: limits,
      });
      expect(response.status, JSON.stringify(limits)).toBe(400);
      expect(response.body.code).toBe("BAD_REQUEST");
      expect(response.body.error).toContain(field);
    }
    const accepted = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "good budget",
      model: "claude-haiku-4-5",
      budget_limits: { max_duration: { secs: 60, nanos: 0 }, max_tokens: 10_000 },
    });
    expect(accepted.status).toBe(200);
  });

  it("refuses work on a session whose token budget is spent, with 429 BUDGET_EXHAUSTED", async () => {
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "spend",
      model: "claude-haiku-4-5",
    });
    await stack.request("PATCH", "/config", { limits: { session_token_budget: 1 } });
    try {
      const response = await stack.request<ErrorBody>(
        "POST",
        `/sessions/${created.body.session_id}/messages`,
        {
          session_id: created.body.session_id,
          prompt: "more",
        },
      );
      expect(response.status).toBe(429);
      expect(response.body.code).toBe("BUDGET_EXHAUSTED");
      const turns = await stack.db.handle.pool.query("select id from turns where session_id = $1", [
        created.body.session_id,
      ]);
      expect(turns.rows).toHaveLength(1);
    } finally {
      await stack.request("PATCH", "/config", { limits: { session_token_budget: null } });
    }
  });

  it("refuses shell without builtins", async () => {
    const response = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "x",
      enable_shell: true,
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toContain("enable_shell requires enable_builtins");
  });
});

describe("tool calls across providers and crashes", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it.each([
    { model: "claude-haiku-4-5", api: "anthropic" },
    { model: "gpt-5.4-mini", api: "openai-chat" },
  ])(
    "runs parallel tool calls in a two-step run ($api) with the right counts and events",
    async ({ model, api }) => {
      const marker = `parallel-${api}`;
      stack.fake.enqueue(
        [
          {
            toolCalls: [
              { id: `${api}_a`, name: "datetime", args: { timezone: "Europe/Berlin" } },
              {
                id: `${api}_b`,
                name: "task_create",
                args: { subject: `task ${api}`, description: "from the model" },
              },
              {
                id: `${api}_c`,
                name: "task_update",
                args: { id: "01936f8a-7b2c-7000-8000-0000000000aa", status: "completed" },
              },
            ],
          },
          { text: `${api} finished` },
        ],
        { contains: marker },
      );
      const response = await stack.request<RunResult>("POST", "/sessions", {
        prompt: marker,
        model,
        enable_builtins: true,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ text: `${api} finished`, turns: 2, tool_calls: 3 });
      const calls = stack.fake
        .requests()
        .filter(
          (request) => request.model === model && JSON.stringify(request.body).includes(marker),
        );
      expect(calls).toHaveLength(2);
      expect(calls.every((call) => call.api === api)).toBe(true);
      const followUp = JSON.stringify(calls[1]?.body);
      expect(followUp).toContain("Europe/Berlin");
      expect(followUp).toContain(`task ${api}`);
      expect(followUp).toContain("Task not found");

      const { rows } = await stack.db.handle.pool.query<{
        type: string;
        payload: Record<string, unknown>;
      }>("select type, payload from session_events where session_id = $1 order by seq", [
        response.body.session_id,
      ]);
      const types = rows.map((row) => row.type);
      expect(types.filter((type) => type === "tool_call_requested")).toHaveLength(3);
      expect(types.filter((type) => type === "tool_execution_started")).toHaveLength(3);
      // Completion events come in call order, each followed by its tool_result_received.
      const completed = rows
        .filter((row) => row.type === "tool_execution_completed")
        .map((row) => row.payload["id"]);
      expect(completed).toEqual([`${api}_a`, `${api}_b`, `${api}_c`]);
      const failed = rows.find(
        (row) => row.type === "tool_execution_completed" && row.payload["id"] === `${api}_c`,
      );
      expect(failed?.payload["is_error"]).toBe(true);
      expect(types.filter((type) => type === "turn_started")).toHaveLength(2);
      expect(types.slice(-3)).toEqual(["text_complete", "turn_completed", "run_completed"]);
    },
  );

  it("a worker killed after a tool ran does not run the tool again", async () => {
    const marker = "crash-after-tool";
    stack.fake.enqueue(
      [
        {
          toolCalls: [
            {
              id: "crash_1",
              name: "task_create",
              args: { subject: "exactly once", description: "side effect" },
            },
          ],
        },
        { hang: true },
      ],
      { contains: marker },
    );
    const doomed = stack.workers[0]!;
    const pending = stack.request<RunResult>("POST", "/sessions", {
      prompt: marker,
      model: "claude-haiku-4-5",
      enable_builtins: true,
    });
    // The second model call hangs: the tool has run and its result is recorded by then.
    await waitFor(
      () =>
        stack.fake.requests().filter((r) => JSON.stringify(r.body).includes(marker)).length === 2
          ? true
          : undefined,
      {
        what: "the model call after the tool",
      },
    );
    await doomed.kill();
    stack.fake.enqueue({ text: "resumed after the crash" }, { contains: marker });
    await stack.startWorker();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ text: "resumed after the crash", tool_calls: 1 });
    const { rows } = await stack.db.handle.pool.query(
      "select id from tasks where subject = 'exactly once'",
    );
    expect(rows).toHaveLength(1);
    // The resumed attempt did not call the model for the step it had already checkpointed.
    const calls = stack.fake.requests().filter((r) => JSON.stringify(r.body).includes(marker));
    expect(calls).toHaveLength(3);
    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${response.body.session_id}/history`,
    );
    expect(history.body.messages.map((m) => m.role)).toEqual([
      "user",
      "block_assistant",
      "tool_results",
      "block_assistant",
    ]);
  });

  it("refuses an invalid output_schema up front, naming the problem", async () => {
    const response = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "x",
      model: "claude-haiku-4-5",
      output_schema: {
        schema: { type: "object", properties: { a: { type: "strnig" } } },
        compat: "lossy",
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("BAD_REQUEST");
    expect(response.body.error).toContain("output_schema");
    const turns = await stack.db.handle.pool.query(
      "select 1 from turns t join sessions s on s.id = t.session_id where s.realm_id = $1 and t.input::text like '%strnig%'",
      [stack.realm],
    );
    expect(turns.rows).toHaveLength(0);
  });
});
