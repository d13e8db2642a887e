import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface ErrorBody {
  error: string;
  code: string;
}

/** Connections of this test's database whose application name ends with `suffix`. */
async function connections(stack: Stack, prefix: string): Promise<string[]> {
  const { rows } = await stack.db.handle.pool.query<{ name: string }>(
    `select application_name as name from pg_stat_activity
     where datname = current_database() and application_name like $1`,
    [`${prefix}%`],
  );
  return rows.map((row) => row.name);
}

describe("how durably a turn is queued", () => {
  let stack: Stack;

  beforeAll(async () => {
    // No worker at first: queued turns stay queued while the test looks at them.
    stack = await startStack({ apis: 1, workers: 0 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("queues a 202's turn with a synchronous commit, and a waiting request's with a relaxed one", async () => {
    const accepted = await stack.request<{ session_id: string; turn_id: string }>(
      "POST",
      "/sessions",
      { prompt: "acknowledged at once", model: "claude-haiku-4-5" },
      { headers: { prefer: "respond-async" } },
    );
    expect(accepted.status).toBe(202);
    // The relaxed pool opens its connections on first use: none yet.
    expect(await connections(stack, "meerkat-api:")).not.toContainEqual(
      expect.stringMatching(/:relaxed$/),
    );

    const waiting = stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "waits for its result",
      model: "claude-haiku-4-5",
    });
    const turn = await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{ id: string; session_id: string }>(
          "select t.id, t.session_id from turns t where t.input->>'prompt' = 'waits for its result'",
        );
        return rows[0];
      },
      { what: "the waiting request's turn to be queued" },
    );
    expect(await connections(stack, "meerkat-api:")).toContainEqual(
      expect.stringMatching(/:relaxed$/),
    );

    // What a Postgres crash does to such a turn before its commit reached the disk: it is gone.
    // The request was told nothing yet; it gets a retryable error instead of hanging.
    await stack.db.handle.pool.query("delete from turns where id = $1", [turn.id]);
    await stack.db.handle.pool.query("delete from sessions where id = $1", [turn.session_id]);
    const lost = await waiting;
    expect(lost.status).toBe(503);
    expect(lost.body.code).toBe("SERVICE_UNAVAILABLE");
    expect(lost.headers.get("retry-after")).toBe("1");

    // A worker then finds the lost turn's job unclaimable (nothing written) and runs the other,
    // claiming it on its relaxed pool.
    await stack.startWorker();
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query<{ status: string }>(
          "select status from turns where id = $1",
          [accepted.body.turn_id],
        );
        return rows[0]?.status === "completed" ? true : undefined;
      },
      { what: "the accepted turn to complete" },
    );
    expect(await connections(stack, "meerkat-worker:")).toContainEqual(
      expect.stringMatching(/:relaxed$/),
    );
    const { rows } = await stack.db.handle.pool.query<{ n: string }>(
      "select count(*) as n from sessions where id = $1",
      [turn.session_id],
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
