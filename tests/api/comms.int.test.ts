import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface ErrorBody {
  error: string;
  code: string;
}

describe("keep_alive sessions talking through comms", () => {
  let stack: Stack;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    stack = await startStack({ apis: 2, workers: 1 });
    const create = async (name: string, description: string) => {
      const response = await stack.request<{ session_id: string }>("POST", "/sessions", {
        prompt: `you are ${name}`,
        model: "claude-haiku-4-5",
        keep_alive: true,
        comms_name: name,
        peer_meta: { description, labels: { team: "comms-test" } },
      });
      expect(response.status).toBe(200);
      return response.body.session_id;
    };
    alice = await create("alice", "the planner");
    bob = await create("bob", "the reviewer");
  });
  afterAll(async () => {
    await stack.close();
  });

  async function events(sessionId: string) {
    const { rows } = await stack.db.handle.pool.query<{
      type: string;
      payload: Record<string, unknown>;
    }>("select type, payload from session_events where session_id = $1 order by seq", [sessionId]);
    return rows;
  }

  async function idle(sessionId: string): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query(
          "select 1 from turns where session_id = $1 and status in ('queued','running')",
          [sessionId],
        );
        const pending = await stack.db.handle.pool.query(
          "select 1 from session_inputs where session_id = $1 and status = 'pending'",
          [sessionId],
        );
        return rows.length === 0 && pending.rows.length === 0 ? true : undefined;
      },
      { what: "the session to be idle" },
    );
  }

  it("lists the other peers of the realm", async () => {
    const peers = await stack.request<{
      peers: { peer_id: string; name: string; meta: unknown; sendable_kinds: string[] }[];
    }>("GET", `/comms/peers?session_id=${alice}`);
    expect(peers.status).toBe(200);
    expect(peers.body.peers).toHaveLength(1);
    expect(peers.body.peers[0]).toMatchObject({
      peer_id: bob,
      name: "bob",
      meta: { description: "the reviewer", labels: { team: "comms-test" } },
    });
    expect(peers.body.peers[0]?.sendable_kinds).toContain("peer_message");
  });

  it("refuses blocks that are not content blocks, naming the element, and delivers nothing", async () => {
    const before = await stack.db.handle.pool.query(
      "select count(*)::int as n from session_inputs where session_id = $1",
      [bob],
    );
    for (const [blocks, message] of [
      [[{ type: "text", text: "fine" }, { type: "text" }], "blocks[1].text: expected a string"],
      [[{ type: "audio", data: "x" }], 'blocks[0].type: expected "text", "image" or "video"'],
      [["plain"], "blocks[0]: expected a content block object"],
    ] as const) {
      const refused = await stack.request<ErrorBody>("POST", "/comms/send", {
        session_id: alice,
        kind: "peer_message",
        to: "bob",
        body: "with bad blocks",
        blocks,
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: message, code: "BAD_REQUEST" });
    }
    const after = await stack.db.handle.pool.query(
      "select count(*)::int as n from session_inputs where session_id = $1",
      [bob],
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it("a peer message wakes the receiver, whose model sees it", async () => {
    const sent = await stack.request<{ kind: string; envelope_id: string; acked: boolean }>(
      "POST",
      "/comms/send",
      {
        session_id: alice,
        kind: "peer_message",
        to: "bob",
        body: "Please review diff #981",
        handling_mode: "queue",
      },
    );
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ kind: "peer_message_sent", acked: true });
    await waitFor(() =>
      stack.fake
        .requests()
        .find((request) => JSON.stringify(request.body).includes("Please review diff #981")),
    );
    await idle(bob);
    const history = await stack.request<{
      messages: { role: string; blocks?: { from?: string }[] }[];
    }>("GET", `/sessions/${bob}/history`);
    const notice = history.body.messages.find((message) => message.role === "system_notice");
    expect(notice?.blocks?.[0]).toMatchObject({
      type: "comms",
      kind: "peer_message",
      from: "alice",
    });
  });

  it("a peer request and its response complete the requester's interaction", async () => {
    const asked = await stack.request<{ kind: string; request_id: string; interaction_id: string }>(
      "POST",
      "/comms/send",
      {
        session_id: alice,
        kind: "peer_request",
        to: "bob",
        intent: "review",
        params: { diff: 982 },
        handling_mode: "queue",
      },
    );
    expect(asked.status).toBe(200);
    expect(asked.body.kind).toBe("peer_request_sent");
    await idle(bob);
    const answered = await stack.request<{ kind: string; in_reply_to: string }>(
      "POST",
      "/comms/send",
      {
        session_id: bob,
        kind: "peer_response",
        to: "alice",
        in_reply_to: asked.body.request_id,
        status: "completed",
        result: { verdict: "approved" },
        handling_mode: "queue",
      },
      { api: stack.apis[1] },
    );
    expect(answered.body).toEqual({
      kind: "peer_response_sent",
      envelope_id: expect.any(String) as string,
      in_reply_to: asked.body.request_id,
    });
    await idle(alice);
    const complete = (await events(alice)).find((event) => event.type === "interaction_complete");
    expect(complete?.payload).toMatchObject({
      interaction_id: asked.body.interaction_id,
      request_id: asked.body.request_id,
      status: "completed",
      result: { verdict: "approved" },
    });
  });

  it("an input with a reserved interaction reports the turn's result", async () => {
    stack.fake.enqueue({ text: "input handled" }, { contains: "run this input" });
    const sent = await stack.request<{
      kind: string;
      interaction_id: string;
      stream_reserved: boolean;
    }>("POST", "/comms/send", {
      session_id: alice,
      kind: "input",
      body: "run this input",
      handling_mode: "queue",
      stream: "reserve_interaction",
    });
    expect(sent.body).toMatchObject({ kind: "input_accepted", stream_reserved: true });
    await idle(alice);
    const complete = (await events(alice))
      .filter((event) => event.type === "interaction_complete")
      .at(-1);
    expect(complete?.payload).toMatchObject({
      interaction_id: sent.body.interaction_id,
      result: "input handled",
    });
  });

  it("a steer input reaches the model inside the running turn", async () => {
    stack.fake.enqueue(
      [
        { toolCalls: [{ id: "steer_1", name: "probe", args: {} }], delayMs: 800 },
        { text: "steered" },
      ],
      { contains: "work with tools" },
    );
    const running = stack.request("POST", `/sessions/${alice}/messages`, {
      session_id: alice,
      prompt: "work with tools",
    });
    await waitFor(() =>
      stack.fake
        .requests()
        .find((request) => JSON.stringify(request.body).includes("work with tools")),
    );
    const steer = await stack.request("POST", "/comms/send", {
      session_id: bob,
      kind: "peer_message",
      to: "alice",
      body: "STEER: prefer the smaller fix",
      handling_mode: "steer",
    });
    expect(steer.status).toBe(200);
    expect((await running).status).toBe(200);
    const calls = stack.fake
      .requests()
      .filter((request) => JSON.stringify(request.body).includes("work with tools"));
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(calls[1]?.body)).toContain("STEER: prefer the smaller fix");
    await idle(alice);
  });

  it("validates comms requests", async () => {
    const badMode = await stack.request<ErrorBody>("POST", "/comms/send", {
      session_id: alice,
      kind: "peer_message",
      to: "bob",
      body: "x",
      handling_mode: "later",
    });
    expect(badMode.status).toBe(400);
    expect(badMode.body.error).toContain("handling_mode");
    const unknownPeer = await stack.request<ErrorBody>("POST", "/comms/send", {
      session_id: alice,
      kind: "peer_message",
      to: "carol",
      body: "x",
    });
    expect(unknownPeer.status).toBe(404);
    const self = await stack.request<ErrorBody>("POST", "/comms/send", {
      session_id: alice,
      kind: "peer_message",
      to: "alice",
      body: "x",
    });
    expect(self.status).toBe(400);
    const plain = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "no comms",
      model: "claude-haiku-4-5",
    });
    const notComms = await stack.request<ErrorBody>(
      "GET",
      `/comms/peers?session_id=${plain.body.session_id}`,
    );
    expect(notComms.status).toBe(404);
    const keepAlive = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "x",
      keep_alive: true,
    });
    expect(keepAlive.status).toBe(400);
    expect(keepAlive.body.error).toBe("keep_alive requires comms_name");
  });
});
