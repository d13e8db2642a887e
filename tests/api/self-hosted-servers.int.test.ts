import { startFakeProvider, type FakeProvider } from "@meerkat/fake-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface RunResult {
  session_id: string;
  text: string;
}

/** The models each fake was asked for, in order. */
const modelsAsked = (fake: FakeProvider) =>
  fake.requests().map((request) => (request.body as { model?: string }).model);

describe("self-hosted servers of the realm config", () => {
  let stack: Stack;
  /** The server the realm config names; the stack's own fake is SELF_HOSTED_BASE_URL. */
  let house: FakeProvider;

  beforeAll(async () => {
    house = await startFakeProvider();
    stack = await startStack({
      apis: 1,
      workers: 1,
      scheduler: true,
      env: { SCHEDULER_TICK_MS: "100" },
    });
    const put = await stack.request("PUT", "/config", {
      self_hosted: {
        servers: [{ id: "house", base_url: house.openaiBaseUrl, models: ["house-llama"] }],
      },
    });
    expect(put.status, put.text).toBe(200);
  });
  afterAll(async () => {
    await stack.close();
    await house.close();
  });

  it("serve the models they list from their base_url, on create and continue", async () => {
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "hello house",
      model: "house-llama",
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body.text).toBe("Echo: hello house");
    const details = await stack.request<{ provider: string }>(
      "GET",
      `/sessions/${created.body.session_id}`,
    );
    expect(details.body.provider).toBe("self_hosted");

    const continued = await stack.request<RunResult>(
      "POST",
      `/sessions/${created.body.session_id}/messages`,
      { session_id: created.body.session_id, prompt: "again" },
    );
    expect(continued.status, continued.text).toBe(200);
    expect(modelsAsked(house)).toEqual(["house-llama", "house-llama"]);
    expect(modelsAsked(stack.fake)).not.toContain("house-llama");
  });

  it("leave other self-hosted models to SELF_HOSTED_BASE_URL", async () => {
    const other = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "hello env",
      model: "env-llama",
      provider: "self_hosted",
    });
    expect(other.status, other.text).toBe(200);
    expect(modelsAsked(stack.fake)).toContain("env-llama");
    expect(modelsAsked(house)).not.toContain("env-llama");
  });

  it("give a schedule's materialised session the self_hosted provider and the server", async () => {
    const schedule = await stack.request<{ schedule_id: string }>("POST", "/schedules", {
      trigger: {
        type: "once",
        due_at_utc: new Date(Date.now() + 500).toISOString(),
      },
      target: {
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: "house-llama" },
        action: { type: "prompt", prompt: "scheduled house call" },
      },
    });
    expect(schedule.status, schedule.text).toBe(200);
    const sessionId = await waitFor(
      async () => {
        const response = await stack.request<{
          occurrences: { phase: string; session_id?: string }[];
        }>("GET", `/schedules/${schedule.body.schedule_id}/occurrences`);
        return response.body.occurrences.find((o) => o.phase === "completed")?.session_id;
      },
      { what: "the scheduled occurrence to complete" },
    );
    const details = await stack.request<{ provider: string; last_assistant_text: string }>(
      "GET",
      `/sessions/${sessionId}`,
    );
    expect(details.body).toMatchObject({
      provider: "self_hosted",
      last_assistant_text: "Echo: scheduled house call",
    });
    expect(modelsAsked(house).at(-1)).toBe("house-llama");
  });
});
