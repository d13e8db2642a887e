import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type HttpResult, type Stack } from "../support/stack.js";

const MODEL = "claude-haiku-4-5";

interface RunResult {
  session_id: string;
  text: string;
}

/**
 * What the services see of a Postgres restart or failover: every connection is closed by the
 * server at once. Nothing acknowledged may be lost, no process may die, and the service must
 * answer the next requests.
 */
describe("Postgres drops every connection", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1, scheduler: true });
  });
  afterAll(async () => {
    await stack.close();
  });

  /** Terminates every backend of the stack's database but the one asking. */
  async function dropConnections(): Promise<number> {
    const { rows } = await stack.db.handle.pool.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * A request as a well-behaved client sends it: a request that reached a pooled connection
   * Postgres had just closed answers 503 SERVICE_UNAVAILABLE with Retry-After (never 500), and
   * is retried.
   */
  async function retrying<T>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await stack.request<T>(method, path, body);
      if (response.status !== 503 || attempt === 3) return response;
      expect(response.body).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(response.headers.get("retry-after")).toBe("1");
    }
  }

  function servicesAlive(): void {
    for (const service of [...stack.apis, ...stack.workers, ...stack.schedulers]) {
      expect(service.running, `${service.name} exited`).toBe(true);
    }
  }

  it("serves the next requests and turns after idle connections were dropped", async () => {
    const first = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "before the drop",
      model: MODEL,
    });
    expect(first.status).toBe(200);
    expect(await dropConnections()).toBeGreaterThan(0);

    const read = await retrying<{ session_id: string }>(
      "GET",
      `/sessions/${first.body.session_id}`,
    );
    expect(read.status, read.text).toBe(200);
    const next = await retrying<RunResult>("POST", `/sessions/${first.body.session_id}/messages`, {
      session_id: first.body.session_id,
      prompt: "after the drop",
    });
    expect(next.status, next.text).toBe(200);
    expect(next.body.text).toContain("after the drop");
    servicesAlive();
  });

  it("a turn whose connections drop while the model answers completes once", async () => {
    stack.fake.enqueue({ text: "slow answer", delayMs: 1_500 }, { contains: "drop mid-turn" });
    const pending = stack.request<RunResult>("POST", "/sessions", {
      prompt: "drop mid-turn",
      model: MODEL,
    });
    await waitFor(
      () =>
        stack.fake
          .requests()
          .find((request) => JSON.stringify(request.body).includes("drop mid-turn")),
      { what: "the model call" },
    );
    expect(await dropConnections()).toBeGreaterThan(0);
    const response = await pending;
    expect(response.status, response.text).toBe(200);
    expect(response.body.text).toBe("slow answer");

    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${response.body.session_id}/history`,
    );
    const replies = history.body.messages.filter((message) => message.role !== "user");
    expect(replies.filter((message) => message.role === "block_assistant")).toHaveLength(1);
    const { rows } = await stack.db.handle.pool.query<{ status: string }>(
      "select status from turns where session_id = $1",
      [response.body.session_id],
    );
    expect(rows).toEqual([{ status: "completed" }]);
    servicesAlive();
  });

  it("a schedule due after the drop still fires, once", async () => {
    const session = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "schedule target",
      model: MODEL,
    });
    expect(session.status).toBe(200);
    expect(await dropConnections()).toBeGreaterThan(0);
    const created = await retrying<{ schedule_id: string }>("POST", "/schedules", {
      name: "after the drop",
      trigger: {
        type: "interval",
        start_at_utc: new Date(Date.now() + 1_000).toISOString(),
        every_seconds: 3_600,
      },
      target: {
        target_kind: "session",
        type: "resumable_session",
        session_id: session.body.session_id,
        action: { type: "prompt", prompt: "fired after the drop" },
      },
      misfire_policy: { type: "skip" },
      overlap_policy: "allow_concurrent",
      missing_target_policy: "mark_misfired",
    });
    expect(created.status, created.text).toBe(200);
    await waitFor(
      () =>
        stack.fake
          .requests()
          .find((request) => JSON.stringify(request.body).includes("fired after the drop")),
      { what: "the scheduled turn", timeoutMs: 15_000 },
    );
    await dropConnections();
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{ phase: string }>(
          "select phase from schedule_occurrences where schedule_id = $1 and phase <> 'pending'",
          [created.body.schedule_id],
        );
        return rows.length > 0 && rows.every((row) => row.phase === "completed") ? rows : undefined;
      },
      { what: "the occurrence to complete", timeoutMs: 15_000 },
    );
    // Once: one input, one turn, one prompt and one reply in the transcript. (The model may
    // have been called twice: an attempt that lost Postgres mid-turn is re-run.)
    const inputs = await stack.db.handle.pool.query<{ turn_status: string }>(
      `select t.status as turn_status from session_inputs i
         join schedule_occurrences o on o.id = i.occurrence_id
         join turns t on t.id = i.turn_id
        where o.schedule_id = $1`,
      [created.body.schedule_id],
    );
    expect(inputs.rows).toEqual([{ turn_status: "completed" }]);
    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${session.body.session_id}/history`,
    );
    const prompts = history.body.messages.filter(
      (message) =>
        message.role === "user" && JSON.stringify(message).includes("fired after the drop"),
    );
    expect(prompts).toHaveLength(1);
    // The session's first turn and the scheduled one: one reply each, the last one last.
    expect(history.body.messages.map((message) => message.role)).toEqual([
      "user",
      "block_assistant",
      "user",
      "block_assistant",
    ]);
    servicesAlive();
  });
});
