import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

describe("a worker killed mid-turn", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("leaves the turn to another worker after its lease lapses; the history holds exactly one reply", async () => {
    stack.fake.enqueue(
      { chunks: ["partial ", "answer"], chunkDelayMs: 20, hang: true },
      { contains: "survive a crash" },
    );
    const doomed = stack.workers[0]!;
    const pending = stack.request<{ text: string; session_id: string }>("POST", "/sessions", {
      prompt: "survive a crash",
      model: "claude-haiku-4-5",
    });
    const running = await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{
          id: string;
          session_id: string;
          lease_owner: string;
        }>("select id, session_id, lease_owner from turns where status = 'running'");
        return rows[0];
      },
      { what: "the turn to be running" },
    );
    await waitFor(() =>
      stack.fake.requests().some((r) => JSON.stringify(r.body).includes("survive a crash"))
        ? true
        : undefined,
    );
    await doomed.kill();
    const rescuer = await stack.startWorker();

    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.body.text).toBe("Echo: survive a crash");

    const { rows: turnRows } = await stack.db.handle.pool.query<{
      attempt: number;
      lease_epoch: number;
      status: string;
    }>("select attempt, lease_epoch, status from turns where id = $1", [running.id]);
    expect(turnRows[0]).toMatchObject({ status: "completed", attempt: 2, lease_epoch: 2 });
    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${running.session_id}/history`,
    );
    expect(history.body.messages.map((m) => m.role)).toEqual(["user", "block_assistant"]);
    expect(rescuer.lines.some((line) => line.msg === "stranded turn re-enqueued")).toBe(true);
  });
});
