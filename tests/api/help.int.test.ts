import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

const MODEL = "claude-haiku-4-5";

interface RunResultBody {
  session_id: string;
  session_ref: string;
  text: string;
  turns: number;
  tool_calls: number;
  usage: { input_tokens: number; output_tokens: number };
  structured_output: unknown;
}

interface ErrorBody {
  error: string;
  code: string;
}

describe("POST /help", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  function sentWith(marker: string): Record<string, unknown> {
    const request = stack.fake
      .requests()
      .find((candidate) => JSON.stringify(candidate.body).includes(marker));
    if (!request) throw new Error(`no model request with ${marker}`);
    return request.body;
  }

  it("answers a RunResult from a tool-less session that carries the platform guide", async () => {
    stack.fake.enqueue({ text: "Open GET /sessions/{id}/events." }, { contains: "HELP-Q1" });
    const response = await stack.request<RunResultBody>("POST", "/help", {
      question: "How do I watch a session live? HELP-Q1",
      model: MODEL,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      text: "Open GET /sessions/{id}/events.",
      turns: 1,
      tool_calls: 0,
      structured_output: null,
      session_ref: `${stack.realm}:${response.body.session_id}`,
    });

    const body = sentWith("HELP-Q1");
    const serialized = JSON.stringify(body);
    expect(serialized).toContain("built-in help of Meerkat");
    expect(serialized).toContain("## Skill: Meerkat Platform");
    expect(serialized).toContain("GET /sessions/{id}/events");
    expect(body["tools"]).toBeUndefined();

    const { rows } = await stack.db.handle.pool.query<{
      settings: Record<string, unknown>;
      kind: string;
    }>(
      "select s.settings, t.kind from sessions s join turns t on t.session_id = s.id where s.id = $1",
      [response.body.session_id],
    );
    expect(rows[0]?.kind).toBe("help");
    expect(rows[0]?.settings).toMatchObject({
      keep_alive: false,
      enable_builtins: false,
      enable_shell: false,
      enable_memory: false,
      enable_schedule: false,
      enable_workgraph: false,
      preload_skills: [
        { source_uuid: "00000000-0000-4b11-8111-000000000001", skill_name: "meerkat-platform" },
      ],
    });
    const events = await stack.db.handle.pool.query<{ type: string }>(
      "select type from session_events where session_id = $1",
      [response.body.session_id],
    );
    expect(events.rows.map((row) => row.type)).toContain("skills_resolved");
  });

  it("passes the caller's context and asks for a plan in plan_execution mode", async () => {
    const response = await stack.request<RunResultBody>("POST", "/help", {
      question: "How do I schedule a daily digest? HELP-Q2",
      prompt: "Our realm is team-alpha.",
      execution_mode: "plan_execution",
      model: MODEL,
      max_tokens: 512,
    });
    expect(response.status).toBe(200);
    const body = sentWith("HELP-Q2");
    const serialized = JSON.stringify(body);
    expect(serialized).toContain("Our realm is team-alpha.");
    expect(serialized).toContain("Answer with an execution plan");
    expect(body["max_tokens"]).toBe(512);
  });

  it("honours Prefer: respond-async", async () => {
    const response = await stack.request<{ session_id: string; turn_id: string; status: string }>(
      "POST",
      "/help",
      { question: "Async help? HELP-Q3", model: MODEL },
      { headers: { prefer: "respond-async" } },
    );
    expect(response.status).toBe(202);
    expect(response.body.status).toBe("queued");
    expect(response.headers.get("location")).toBe(`/sessions/${response.body.session_id}`);
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{ status: string }>(
          "select status from turns where id = $1",
          [response.body.turn_id],
        );
        return rows[0]?.status === "completed" ? true : undefined;
      },
      { what: "the help turn to complete" },
    );
  });

  it.each([
    ["a missing question", { model: MODEL }],
    ["an empty question", { question: "   ", model: MODEL }],
    ["an unknown provider", { question: "Which provider?", provider: "mistral" }],
    ["an unknown execution mode", { question: "Which mode?", execution_mode: "execute_now" }],
  ])("rejects %s with 400 BAD_REQUEST", async (_label, body) => {
    const response = await stack.request<ErrorBody>("POST", "/help", body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("BAD_REQUEST");
  });

  it("names the missing field", async () => {
    const response = await stack.request<ErrorBody>("POST", "/help", {});
    expect(response.body.error).toContain("question");
  });

  it("keeps working with skills disabled: the guide goes in as an instruction", async () => {
    expect((await stack.request("PATCH", "/config", { skills: { enabled: false } })).status).toBe(
      200,
    );
    try {
      const response = await stack.request<RunResultBody>("POST", "/help", {
        question: "Still there? HELP-Q4",
        model: MODEL,
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(sentWith("HELP-Q4"))).toContain("## Skill: Meerkat Platform");
    } finally {
      await stack.request("PATCH", "/config", { skills: { enabled: true } });
    }
  });
});
