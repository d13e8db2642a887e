import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { SseClient } from "../support/sse.js";
import { startStack, type Stack } from "../support/stack.js";

interface RunResult {
  session_id: string;
  text: string;
}
interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}
interface Summary {
  session_id: string;
  created_at: number;
  updated_at: number;
  is_active: boolean;
  state: string;
  labels?: Record<string, string>;
  message_count: number;
}

describe("the sessions API across two api and two worker processes", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 2, workers: 2 });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function create(body: Record<string, unknown>, api = 0): Promise<RunResult> {
    const response = await stack.request<RunResult>(
      "POST",
      "/sessions",
      { model: "claude-haiku-4-5", ...body },
      { api: stack.apis[api] },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  it("lists sessions with label filters, paging and state", async () => {
    const a = await create({ prompt: "a", labels: { env: "list-test", team: "red" } });
    const b = await create({ prompt: "b", labels: { env: "list-test", team: "blue" } });
    const c = await create({ prompt: "c", labels: { env: "list-test", team: "red" } });

    const red = await stack.request<{ sessions: Summary[] }>(
      "GET",
      "/sessions?label=env=list-test&label=team=red",
    );
    expect(red.status).toBe(200);
    expect(red.body.sessions.map((s) => s.session_id)).toEqual([c.session_id, a.session_id]);
    const first = red.body.sessions[0]!;
    expect(first).toMatchObject({
      state: "idle",
      is_active: false,
      message_count: 2,
      labels: { team: "red" },
    });
    expect(Number.isInteger(first.created_at)).toBe(true);
    expect(Math.abs(first.created_at - Date.now() / 1000)).toBeLessThan(120);

    const page = await stack.request<{ sessions: Summary[] }>(
      "GET",
      "/sessions?label=env=list-test&limit=1&offset=1",
      undefined,
      {
        api: stack.apis[1],
      },
    );
    expect(page.body.sessions.map((s) => s.session_id)).toEqual([b.session_id]);
  });

  it.each([
    ["/sessions?limit=0", "limit"],
    ["/sessions?limit=100000", "limit"],
    ["/sessions?offset=-1", "offset"],
    ["/sessions?limit=ten", "limit"],
    ["/sessions?label=noequals", "label filter"],
  ])("GET %s → 400", async (path, mention) => {
    const response = await stack.request<ErrorBody>("GET", path);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("BAD_REQUEST");
    expect(response.body.error).toContain(mention);
  });

  it("reads history in pages with every message's created_at", async () => {
    const session = await create({ prompt: "one", system_prompt: "sys" });
    await stack.request("POST", `/sessions/${session.session_id}/messages`, {
      session_id: session.session_id,
      prompt: "two",
    });
    const all = await stack.request<{
      message_count: number;
      has_more: boolean;
      limit: number | null;
      messages: { role: string; created_at: string }[];
    }>("GET", `/sessions/${session.session_id}/history`);
    expect(all.body.message_count).toBe(5);
    expect(all.body.limit).toBeNull();
    expect(all.body.has_more).toBe(false);
    expect(all.body.messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "block_assistant",
      "user",
      "block_assistant",
    ]);
    expect(Date.parse(all.body.messages[0]!.created_at)).not.toBeNaN();

    const page = await stack.request<{
      offset: number;
      has_more: boolean;
      messages: { role: string; content?: unknown }[];
    }>("GET", `/sessions/${session.session_id}/history?offset=1&limit=2`);
    expect(page.body.offset).toBe(1);
    expect(page.body.has_more).toBe(true);
    expect(page.body.messages).toHaveLength(2);
    expect(page.body.messages[0]).toMatchObject({ role: "user", content: "one" });

    const beyond = await stack.request<{ offset: number; messages: unknown[]; has_more: boolean }>(
      "GET",
      `/sessions/${session.session_id}/history?offset=50`,
    );
    expect(beyond.body).toMatchObject({ offset: 5, messages: [], has_more: false });
  });

  it("archives: afterwards get/continue/list answer 404 or omit it, history stays readable", async () => {
    const session = await create({ prompt: "to archive", labels: { env: "archive-test" } });
    const id = session.session_id;
    const deleted = await stack.request("DELETE", `/sessions/${id}`, undefined, {
      api: stack.apis[1],
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ session_id: id, archived: true });
    expect((await stack.request<ErrorBody>("GET", `/sessions/${id}`)).body.code).toBe(
      "SESSION_NOT_FOUND",
    );
    const cont = await stack.request<ErrorBody>("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "x",
    });
    expect(cont.status).toBe(404);
    expect((await stack.request("GET", `/sessions/${id}/status`)).status).toBe(404);
    expect((await stack.request("DELETE", `/sessions/${id}`)).status).toBe(404);
    const listed = await stack.request<{ sessions: Summary[] }>(
      "GET",
      "/sessions?label=env=archive-test",
    );
    expect(listed.body.sessions).toEqual([]);
    const history = await stack.request<{ message_count: number }>(
      "GET",
      `/sessions/${id}/history`,
    );
    expect(history.status).toBe(200);
    expect(history.body.message_count).toBe(2);
  });

  it("accepts realm locators and rejects malformed or foreign ones", async () => {
    const session = await create({ prompt: "locate me" });
    const viaLocator = await stack.request<{ session_id: string }>(
      "GET",
      `/sessions/${stack.realm}:${session.session_id}`,
    );
    expect(viaLocator.status).toBe(200);
    expect(viaLocator.body.session_id).toBe(session.session_id);
    const foreign = await stack.request<ErrorBody>(
      "GET",
      `/sessions/other-realm:${session.session_id}`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe(
      `Session locator realm 'other-realm' does not match active realm '${stack.realm}'`,
    );
    const malformed = await stack.request<ErrorBody>("GET", "/sessions/not-a-uuid");
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("BAD_REQUEST");
    const cont = await stack.request<RunResult>(
      "POST",
      `/sessions/${stack.realm}:${session.session_id}/messages`,
      {
        session_id: session.session_id,
        prompt: "again",
      },
    );
    expect(cont.status).toBe(200);
  });

  it("rejects a body session_id that differs from the path", async () => {
    const a = await create({ prompt: "a" });
    const b = await create({ prompt: "b" });
    const response = await stack.request<ErrorBody>("POST", `/sessions/${a.session_id}/messages`, {
      session_id: b.session_id,
      prompt: "mismatch",
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(
      `Session ID mismatch: path=${a.session_id} body=${b.session_id}`,
    );
  });

  it("switches model and provider for the rest of the session", async () => {
    const session = await create({ prompt: "start on claude", model: "claude-sonnet-4-6" });
    const switched = await stack.request<RunResult>(
      "POST",
      `/sessions/${session.session_id}/messages`,
      {
        session_id: session.session_id,
        prompt: "now on openai",
        model: "gpt-5.4-mini",
      },
    );
    expect(switched.status).toBe(200);
    const sent = stack.fake.requests().at(-1)!;
    expect(sent.api).toBe("openai-chat");
    expect(sent.model).toBe("gpt-5.4-mini");
    expect(JSON.stringify(sent.body)).toContain("start on claude");
    const details = await stack.request<{ model: string; provider: string }>(
      "GET",
      `/sessions/${session.session_id}`,
    );
    expect(details.body).toMatchObject({ model: "gpt-5.4-mini", provider: "openai" });
    await stack.request("POST", `/sessions/${session.session_id}/messages`, {
      session_id: session.session_id,
      prompt: "still openai",
    });
    expect(stack.fake.requests().at(-1)!.api).toBe("openai-chat");
  });

  it("passes system_prompt, max_tokens and provider_params to the provider, and persists overrides", async () => {
    const session = await create({
      prompt: "params",
      system_prompt: "first system",
      max_tokens: 321,
      provider_params: { top_k: 7 },
    });
    const first = stack.fake.requests().at(-1)!;
    expect(first.body["max_tokens"]).toBe(321);
    expect(first.body["top_k"]).toBe(7);
    expect(JSON.stringify(first.body["system"])).toContain("first system");
    await stack.request("POST", `/sessions/${session.session_id}/messages`, {
      session_id: session.session_id,
      prompt: "override",
      system_prompt: "second system",
    });
    const second = stack.fake.requests().at(-1)!;
    expect(JSON.stringify(second.body["system"])).toContain("second system");
    expect(second.body["max_tokens"]).toBe(321);
    const history = await stack.request<{ messages: { role: string; content: string }[] }>(
      "GET",
      `/sessions/${session.session_id}/history?limit=1`,
    );
    expect(history.body.messages[0]).toMatchObject({ role: "system", content: "second system" });
  });

  it("validates labels", async () => {
    const reserved = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "x",
      labels: { "meerkat.owner": "me" },
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.error).toContain("reserved");
    const wrongType = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "x",
      labels: { team: 5 },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toContain("labels");
    const keepAlive = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "x",
      keep_alive: true,
    });
    expect(keepAlive.status).toBe(400);
    expect(keepAlive.body.error).toContain("keep_alive requires comms_name");
  });

  it("refuses a NUL character anywhere in a body with 400, and stores nothing", async () => {
    const count = async () => {
      const { rows } = await stack.db.handle.pool.query<{ n: number }>(
        "select count(*)::int as n from sessions",
      );
      return rows[0]?.n;
    };
    const before = await count();
    for (const body of [
      { prompt: "a\u0000b" },
      { prompt: "x", labels: { team: "a\u0000" } },
      { prompt: "x", provider_params: { "k\u0000": 1 } },
    ]) {
      const refused = await stack.request<ErrorBody>("POST", "/sessions", body);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: "BAD_REQUEST" });
      expect(refused.body.error).toContain("NUL");
    }
    // An escaped backslash followed by "u0000" is ordinary text.
    const text = await create({ prompt: "a literal \\u0000 is fine" });
    expect(text.text).toContain("\\u0000");
    expect(await count()).toBe((before ?? 0) + 1);
  });

  it("takes an empty body with a JSON content type as no body", async () => {
    const session = await create({ prompt: "to be archived" });
    const options = { rawBody: "", headers: { "content-type": "application/json" } };
    const interrupt = await stack.request(
      "POST",
      `/sessions/${session.session_id}/interrupt`,
      undefined,
      options,
    );
    expect(interrupt.status, interrupt.text).toBe(200);
    const archived = await stack.request(
      "DELETE",
      `/sessions/${session.session_id}`,
      undefined,
      options,
    );
    expect(archived.status, archived.text).toBe(200);
    const noBody = await stack.request<ErrorBody>("POST", "/sessions", undefined, options);
    expect(noBody.status).toBe(400);
    expect(noBody.body.error).toBe("Invalid request body: body is required");
  });

  it("concurrent continues across both APIs: exactly one runs, the rest get 409 SESSION_BUSY", async () => {
    const session = await create({ prompt: "busy base", model: "claude-opus-4-6" });
    stack.fake.enqueue({ text: "slow reply", delayMs: 1_000 }, { model: "claude-opus-4-6" });
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        stack.request<ErrorBody | RunResult>(
          "POST",
          `/sessions/${session.session_id}/messages`,
          { session_id: session.session_id, prompt: `attempt ${index}` },
          { api: stack.apis[index % 2] },
        ),
      ),
    );
    const statuses = attempts.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    for (const attempt of attempts.filter((a) => a.status === 409)) {
      expect((attempt.body as ErrorBody).code).toBe("SESSION_BUSY");
    }
    const history = await stack.request<{ message_count: number }>(
      "GET",
      `/sessions/${session.session_id}/history`,
    );
    expect(history.body.message_count).toBe(4);
  });

  it("interrupt on an idle session is a 200 no-op; unknown is 404", async () => {
    const session = await create({ prompt: "idle" });
    const response = await stack.request("POST", `/sessions/${session.session_id}/interrupt`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ session_id: session.session_id, interrupted: true });
    const unknown = await stack.request<ErrorBody>(
      "POST",
      "/sessions/01936f8a-7b2c-7000-8000-000000000042/interrupt",
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("SESSION_NOT_FOUND");
  });

  it("interrupts mid-stream wherever the turn runs; the session is idle and usable again", async () => {
    const base = await create({ prompt: "base", model: "claude-sonnet-4-5" });
    const id = base.session_id;
    stack.fake.enqueue(
      { chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 50 },
      { model: "claude-sonnet-4-5" },
    );
    const stream = await SseClient.connect(`${stack.apis[1]!.url}/sessions/${id}/events`);
    const pending = stack.request<ErrorBody>("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "talk a lot",
    });
    await stream.waitFor((c) =>
      c.events.filter((e) => e.type === "text_delta").length >= 3 ? true : undefined,
    );
    const status = await stack.request<{ state: string }>("GET", `/sessions/${id}/status`);
    expect(status.body.state).toBe("running");

    const interrupted = await stack.request("POST", `/sessions/${id}/interrupt`, undefined, {
      api: stack.apis[1],
    });
    expect(interrupted.status).toBe(200);
    const waiting = await pending;
    expect(waiting.status).toBe(499);
    expect(waiting.body.code).toBe("REQUEST_CANCELLED");
    expect(
      (await stack.request<{ state: string }>("GET", `/sessions/${id}/status`)).body.state,
    ).toBe("idle");
    await stream.waitFor((c) => c.events.find((e) => e.type === "run_failed"));
    const failed = stream.events.find((e) => e.type === "run_failed")!;
    expect(failed.payload["error_class"]).toBe("cancelled");

    const history = await stack.request<{
      messages: { role: string; stop_reason?: string; blocks?: unknown[] }[];
    }>("GET", `/sessions/${id}/history`);
    const last = history.body.messages.at(-1)!;
    expect(last).toMatchObject({ role: "block_assistant", stop_reason: "cancelled" });
    const lastRequest = stack.fake
      .requests()
      .filter((r) => r.model === "claude-sonnet-4-5")
      .at(-1)!;
    await waitFor(() => (lastRequest.clientDisconnected ? true : undefined), {
      what: "the provider call to be aborted",
    });

    const again = await stack.request<RunResult>("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "after",
    });
    expect(again.status).toBe(200);
    expect(again.body.text).toBe("Echo: after");
    await stream.close();
  });
});
