import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeRequestRecord } from "@meerkat/fake-provider";
import { startStack, type Stack } from "../support/stack.js";

const MODEL = "claude-haiku-4-5";
/** A phrase of the summarisation instruction: only the summary call contains it. */
const SUMMARY_CALL = "Summarise the earlier part of the conversation";
const SUMMARY_HEADER = "[Summary of the earlier conversation]";

/** A prompt of about 300 tokens (chars / 4) that starts with a findable marker. */
function longPrompt(marker: string): string {
  return `${marker} ${"the quick brown fox jumps over the lazy dog ".repeat(28)}`;
}

interface Event {
  type: string;
  payload: Record<string, unknown>;
}

describe("history compaction", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
    const patched = await stack.request("PATCH", "/config", {
      compaction: {
        auto_compact_threshold: 200,
        recent_turn_budget: 1,
        min_turns_between_compactions: 2,
      },
    });
    expect(patched.status).toBe(200);
  });
  afterAll(async () => {
    await stack.close();
  });

  async function turn(sessionId: string | undefined, prompt: string): Promise<string> {
    const response = sessionId
      ? await stack.request<{ session_id: string }>("POST", `/sessions/${sessionId}/messages`, {
          session_id: sessionId,
          prompt,
        })
      : await stack.request<{ session_id: string }>("POST", "/sessions", { prompt, model: MODEL });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.session_id;
  }

  async function events(sessionId: string, type: string): Promise<Event[]> {
    const { rows } = await stack.db.handle.pool.query<Event>(
      "select type, payload from session_events where session_id = $1 and type = $2 order by seq",
      [sessionId, type],
    );
    return rows;
  }

  async function compactions(sessionId: string) {
    const { rows } = await stack.db.handle.pool.query<{
      through_seq: number;
      summary: string;
      summary_tokens: number;
    }>(
      "select through_seq, summary, summary_tokens from session_compactions where session_id = $1 order by created_at",
      [sessionId],
    );
    return rows;
  }

  /** The (last) model request of a turn, found by its prompt marker. */
  function requestFor(marker: string): FakeRequestRecord {
    const request = stack.fake
      .requests()
      .filter(
        (candidate) =>
          JSON.stringify(candidate.body).includes(marker) &&
          !JSON.stringify(candidate.body).includes(SUMMARY_CALL),
      )
      .at(-1);
    if (!request) throw new Error(`no model request with ${marker}`);
    return request;
  }

  function summaryCalls(marker: string): FakeRequestRecord[] {
    return stack.fake.requests().filter((candidate) => {
      const body = JSON.stringify(candidate.body);
      return body.includes(SUMMARY_CALL) && body.includes(marker);
    });
  }

  it("summarises older turns: the model sees the summary and recent turns, history keeps everything", async () => {
    const id = await turn(undefined, longPrompt("A-OLDEST"));
    await turn(id, longPrompt("A-SECOND"));
    // Two committed user turns over the threshold: the third turn compacts first.
    expect(await events(id, "compaction_started")).toHaveLength(0);
    stack.fake.enqueue(
      { text: "SUMMARY-ALPHA: the user sent a long first message about a fox." },
      { contains: SUMMARY_CALL },
    );
    await turn(id, longPrompt("A-THIRD"));

    const [summaryCall, ...extra] = summaryCalls("A-OLDEST");
    expect(extra).toHaveLength(0);
    const summaryBody = JSON.stringify(summaryCall?.body);
    expect(summaryBody).not.toContain("A-SECOND"); // the recent turn stays verbatim
    expect(summaryCall?.body["max_tokens"]).toBe(4_096);
    expect(summaryCall?.body["tools"]).toBeUndefined();

    const seen = JSON.stringify(requestFor("A-THIRD").body);
    expect(seen).toContain(SUMMARY_HEADER);
    expect(seen).toContain("SUMMARY-ALPHA");
    expect(seen).toContain("A-SECOND");
    expect(seen).not.toContain("A-OLDEST");

    const started = await events(id, "compaction_started");
    expect(started).toHaveLength(1);
    expect(started[0]?.payload).toMatchObject({ message_count: 4 });
    expect(started[0]?.payload["estimated_history_tokens"]).toBeGreaterThanOrEqual(200);
    expect(started[0]?.payload["input_tokens"]).toBeGreaterThan(
      started[0]?.payload["estimated_history_tokens"] as number,
    );
    const completed = await events(id, "compaction_completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]?.payload).toMatchObject({ messages_before: 4, messages_after: 2 });
    expect(completed[0]?.payload["summary_tokens"]).toBeGreaterThan(0);

    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${id}/history`,
    );
    expect(history.body.messages).toHaveLength(6);
    expect(JSON.stringify(history.body)).toContain("A-OLDEST");

    const rows = await compactions(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ through_seq: 1 });
    expect(rows[0]?.summary).toContain("SUMMARY-ALPHA");

    const memories = await stack.db.handle.pool.query<{ content: string; turn: number | null }>(
      "select content, turn from memories where session_id = $1 and source = 'compaction'",
      [id],
    );
    expect(memories.rows).toHaveLength(1);
    expect(memories.rows[0]?.content).toContain("A-OLDEST");
    expect(memories.rows[0]?.turn).toBe(0);
    // Searchable the way memory_search searches (Postgres full text over the realm).
    const found = await stack.db.handle.pool.query<{ n: number }>(
      "select count(*)::int as n from memories where realm_id = $1 and source = 'compaction' and search @@ plainto_tsquery('english', 'fox dog')",
      [stack.realm],
    );
    expect(found.rows[0]?.n).toBeGreaterThanOrEqual(1);

    // The next turn starts from the stored summary without another compaction
    // (min_turns_between_compactions = 2: only one user turn followed it).
    await turn(id, longPrompt("A-FOURTH"));
    expect(await events(id, "compaction_started")).toHaveLength(1);
    const fourth = JSON.stringify(requestFor("A-FOURTH").body);
    expect(fourth).toContain("SUMMARY-ALPHA");
    expect(fourth).toContain("A-THIRD");
    expect(fourth).not.toContain("A-OLDEST");

    // Two user turns later it compacts again, folding the earlier summary into the new one.
    stack.fake.enqueue(
      { text: "SUMMARY-BETA: a fox story, told three times." },
      { contains: SUMMARY_CALL },
    );
    await turn(id, longPrompt("A-FIFTH"));
    expect(await events(id, "compaction_completed")).toHaveLength(2);
    expect(summaryCalls("SUMMARY-ALPHA")).toHaveLength(1);
    const fifth = JSON.stringify(requestFor("A-FIFTH").body);
    expect(fifth).toContain("SUMMARY-BETA");
    expect(fifth).not.toContain("SUMMARY-ALPHA");
    expect(fifth).toContain("A-FOURTH");
    expect(fifth).not.toContain("A-THIRD");
    expect((await compactions(id)).map((row) => row.through_seq)).toEqual([1, 5]);
    const history2 = await stack.request<{ messages: unknown[] }>("GET", `/sessions/${id}/history`);
    expect(history2.body.messages).toHaveLength(10);
  });

  it("a failed summary call is reported and the turn runs on the full history", async () => {
    const id = await turn(undefined, longPrompt("B-OLDEST"));
    await turn(id, longPrompt("B-SECOND"));
    stack.fake.enqueue(
      { error: { status: 400, message: "summary refused by the provider" } },
      { contains: SUMMARY_CALL },
    );
    await turn(id, longPrompt("B-THIRD"));

    expect(summaryCalls("B-OLDEST")).toHaveLength(1);
    const failed = await events(id, "compaction_failed");
    expect(failed).toHaveLength(1);
    expect(String(failed[0]?.payload["error"])).toContain("summary refused");
    expect(await events(id, "compaction_completed")).toHaveLength(0);
    const seen = JSON.stringify(requestFor("B-THIRD").body);
    expect(seen).toContain("B-OLDEST");
    expect(seen).not.toContain(SUMMARY_HEADER);
    expect(await compactions(id)).toHaveLength(0);
  });

  it("a long tool loop is compacted between its model calls, keeping the prompt and recent rounds", async () => {
    // Each reply reports 600 input tokens (threshold 200). Boundaries 1 and 2 come after one
    // and two rounds; with min_turns_between_compactions = 2 the run compacts at boundary 2
    // (the run's start counts as a compaction point), keeping one round (recent_turn_budget 1).
    const big = { inputTokens: 600, outputTokens: 5 };
    stack.fake.enqueue(
      [
        {
          toolCalls: [{ id: "probe_1", name: "probe", args: { note: "C-ROUND-ONE" } }],
          usage: big,
        },
        {
          toolCalls: [{ id: "probe_2", name: "probe", args: { note: "C-ROUND-TWO" } }],
          usage: big,
        },
        {
          toolCalls: [{ id: "probe_3", name: "probe", args: { note: "C-ROUND-THREE" } }],
          usage: big,
        },
        { text: "C-DONE", usage: big },
      ],
      { contains: "C-TOOL-LOOP" },
    );
    // Only the summary call carries the first round without the prompt.
    stack.fake.enqueue(
      { text: "SUMMARY-GAMMA: probe was called once with C-ROUND-ONE and failed." },
      { contains: "C-ROUND-ONE" },
    );
    const response = await stack.request<{ session_id: string; text: string; tool_calls: number }>(
      "POST",
      "/sessions",
      { prompt: "C-TOOL-LOOP: call probe until told otherwise", model: MODEL },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ text: "C-DONE", tool_calls: 3 });
    const id = response.body.session_id;

    const calls = stack.fake
      .requests()
      .filter((request) => JSON.stringify(request.body).includes("C-TOOL-LOOP"));
    expect(calls).toHaveLength(4);
    const [, second, third, fourth] = calls.map((request) => JSON.stringify(request.body));
    expect(second).toContain("C-ROUND-ONE");
    expect(second).not.toContain(SUMMARY_HEADER);
    // Boundary 2: the summary replaces round one; the prompt and round two are verbatim.
    expect(third).toContain(SUMMARY_HEADER);
    expect(third).toContain("SUMMARY-GAMMA");
    expect(third).not.toContain('C-ROUND-ONE"');
    expect(third).not.toContain("probe_1");
    expect(third).toContain("probe_2");
    expect(third).toContain("C-TOOL-LOOP: call probe until told otherwise");
    // Boundary 3 is one step after the compaction: not compacted again.
    expect(fourth).toContain("SUMMARY-GAMMA");
    expect(fourth).toContain("probe_3");

    const summaries = summaryCalls("C-ROUND-ONE");
    expect(summaries).toHaveLength(1);
    expect(JSON.stringify(summaries[0]?.body)).not.toContain("C-TOOL-LOOP");
    const started = await events(id, "compaction_started");
    expect(started).toHaveLength(1);
    expect(started[0]?.payload["input_tokens"]).toBe(600);
    const completed = await events(id, "compaction_completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]?.payload).toMatchObject({ messages_before: 5, messages_after: 3 });
    // Nothing stored changed: the transcript holds every round, and no compaction row exists.
    const history = await stack.request<{ messages: unknown[] }>("GET", `/sessions/${id}/history`);
    expect(JSON.stringify(history.body)).toContain("C-ROUND-ONE");
    expect(await compactions(id)).toHaveLength(0);
  });
});
