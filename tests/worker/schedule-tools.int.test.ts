import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeRequestRecord, FakeToolCall } from "@meerkat/fake-provider";
import { startStack, type Stack } from "../support/stack.js";
import { jsonResult, toolResultsOf, type SeenResult } from "../support/tool-results.js";

interface RunResult {
  session_id: string;
  text: string;
  tool_calls: number;
}

const MODEL = "claude-haiku-4-5";

describe("the meerkat_schedule_* tools inside a turn", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  /**
   * One turn whose model calls the given tools (one list per step), then answers `done`. The
   * marker is in the prompt, hence in every request of the turn, so the script only matches it.
   */
  async function turn(
    marker: string,
    steps: FakeToolCall[][],
    options: { sessionId?: string; body?: Record<string, unknown> } = {},
  ): Promise<{ result: RunResult; seen: Map<string, SeenResult>; requests: FakeRequestRecord[] }> {
    stack.fake.enqueue([...steps.map((toolCalls) => ({ toolCalls })), { text: "done" }], {
      contains: marker,
    });
    const response = options.sessionId
      ? await stack.request<RunResult>("POST", `/sessions/${options.sessionId}/messages`, {
          session_id: options.sessionId,
          prompt: marker,
          ...options.body,
        })
      : await stack.request<RunResult>("POST", "/sessions", {
          model: MODEL,
          prompt: marker,
          ...options.body,
        });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const requests = stack.fake
      .requests()
      .filter((request) => JSON.stringify(request.body).includes(marker));
    return { result: response.body, seen: toolResultsOf(requests.at(-1)), requests };
  }

  const createArgs = {
    name: "check back later",
    trigger: {
      type: "interval",
      start_at_utc: new Date(Date.now() + 3_600_000).toISOString(),
      every_seconds: 86_400,
    },
    target: {
      target_kind: "session",
      type: "current_session",
      action: { type: "prompt", prompt: "Check whether the deploy finished." },
    },
    misfire_policy: { type: "skip" },
    overlap_policy: "skip_if_running",
    missing_target_policy: "mark_misfired",
    planning_horizon_occurrences: 3,
  };

  it("offers the schedule tools by default", async () => {
    const { requests } = await turn("schedule-tools-offered", []);
    const names = ((requests[0]?.body["tools"] ?? []) as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "meerkat_schedule_create",
        "meerkat_schedule_list",
        "meerkat_schedule_occurrences",
      ]),
    );
    const create = (requests[0]?.body["tools"] as { name: string; input_schema: unknown }[]).find(
      (tool) => tool.name === "meerkat_schedule_create",
    );
    expect(create?.input_schema).toMatchObject({ type: "object", additionalProperties: false });
  });

  it("creates a schedule that wakes the current session, then lists and reads it", async () => {
    const first = await turn("schedule-create-current", [
      [{ id: "call_create", name: "meerkat_schedule_create", args: createArgs }],
    ]);
    const sessionId = first.result.session_id;
    expect(first.result.tool_calls).toBe(1);
    const created = jsonResult(first.seen, "call_create");
    expect(created).toMatchObject({
      name: "check back later",
      phase: "active",
      revision: 1,
      next_occurrence_ordinal: 3,
      target: {
        target_kind: "session",
        type: "resumable_session",
        session_id: sessionId,
        action: { type: "prompt", prompt: "Check whether the deploy finished." },
      },
    });
    const scheduleId = String(created["schedule_id"]);

    const { rows } = await stack.db.handle.pool.query<{
      realm_id: string;
      target: Record<string, unknown>;
      planned: number;
    }>(
      `select s.realm_id, s.target,
              (select count(*) from schedule_occurrences o where o.schedule_id = s.id)::int as planned
       from schedules s where s.id = $1`,
      [scheduleId],
    );
    expect(rows[0]).toMatchObject({
      realm_id: stack.realm,
      target: { type: "resumable_session", session_id: sessionId },
      planned: 3,
    });

    const second = await turn(
      "schedule-list-and-get",
      [
        [
          { id: "call_list", name: "meerkat_schedule_list", args: {} },
          { id: "call_get", name: "meerkat_schedule_get", args: { schedule_id: scheduleId } },
          {
            id: "call_occurrences",
            name: "meerkat_schedule_occurrences",
            args: { schedule_id: scheduleId },
          },
        ],
      ],
      { sessionId },
    );
    const listed = jsonResult(second.seen, "call_list") as { schedules: { schedule_id: string }[] };
    expect(listed.schedules.map((schedule) => schedule.schedule_id)).toContain(scheduleId);
    expect(jsonResult(second.seen, "call_get")).toEqual(created);
    const occurrences = jsonResult(second.seen, "call_occurrences") as {
      occurrences: { phase: string; last_receipt: { stage: string } }[];
    };
    expect(occurrences.occurrences).toHaveLength(3);
    expect(occurrences.occurrences[0]).toMatchObject({
      phase: "pending",
      last_receipt: { stage: "planned" },
    });
  });

  it("updates, pauses and deletes through tools; refusals come back as tool errors", async () => {
    const first = await turn("schedule-lifecycle", [
      [{ id: "call_create", name: "meerkat_schedule_create", args: createArgs }],
    ]);
    const sessionId = first.result.session_id;
    const scheduleId = String(jsonResult(first.seen, "call_create")["schedule_id"]);

    const second = await turn(
      "schedule-lifecycle-two",
      [
        [
          {
            id: "call_update",
            name: "meerkat_schedule_update",
            args: { schedule_id: scheduleId, expected_revision: 1, name: "renamed" },
          },
        ],
        [
          {
            id: "call_stale",
            name: "meerkat_schedule_update",
            args: { schedule_id: scheduleId, expected_revision: 9, name: "x" },
          },
          { id: "call_pause", name: "meerkat_schedule_pause", args: { schedule_id: scheduleId } },
        ],
        [
          { id: "call_delete", name: "meerkat_schedule_delete", args: { schedule_id: scheduleId } },
          {
            id: "call_missing",
            name: "meerkat_schedule_get",
            args: { schedule_id: "0190f5c2-0000-7000-8000-00000000f00d" },
          },
          {
            id: "call_mob",
            name: "meerkat_schedule_create",
            args: {
              ...createArgs,
              target: { target_kind: "mob", type: "flow", mob_id: "m", flow_id: "f", params: {} },
            },
          },
          { id: "call_typo", name: "meerkat_schedule_list", args: { all: true } },
        ],
      ],
      { sessionId },
    );
    expect(jsonResult(second.seen, "call_update")).toMatchObject({ name: "renamed", revision: 1 });
    expect(second.seen.get("call_stale")).toEqual({
      is_error: true,
      content: "invalid schedule: schedule revision mismatch: expected 9, found 1",
    });
    expect(jsonResult(second.seen, "call_pause")).toMatchObject({ phase: "paused" });
    expect(jsonResult(second.seen, "call_delete")).toMatchObject({ phase: "deleted", revision: 2 });
    expect(second.seen.get("call_missing")).toEqual({
      is_error: true,
      content: "Schedule not found: 0190f5c2-0000-7000-8000-00000000f00d",
    });
    // The model is only offered session targets: a mob target fails validation.
    expect(second.seen.get("call_mob")?.is_error).toBe(true);
    expect(second.seen.get("call_mob")?.content).toContain("$.target.target_kind");
    expect(second.seen.get("call_typo")?.is_error).toBe(true);
    expect(second.seen.get("call_typo")?.content).toContain("all");
  });

  it("offers no schedule tools when the session switches them off", async () => {
    const { requests } = await turn("switched-off-session-without-them", [], {
      body: { enable_schedule: false },
    });
    const names = ((requests[0]?.body["tools"] ?? []) as { name: string }[]).map((t) => t.name);
    expect(names.some((name) => name.startsWith("meerkat_schedule_"))).toBe(false);
  });
});
