import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendComms } from "@meerkat/shared/comms";
import type { FakeRequestRecord, FakeToolCall } from "@meerkat/fake-provider";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";
import { jsonResult, toolResultsOf, type SeenResult } from "../support/tool-results.js";

interface RunResult {
  session_id: string;
  text: string;
  tool_calls: number;
}

const MODEL = "claude-haiku-4-5";

describe("the comms tools inside a turn", () => {
  let stack: Stack;
  let alpha: string;
  let beta: string;

  async function create(body: Record<string, unknown>): Promise<string> {
    const response = await stack.request<RunResult>("POST", "/sessions", {
      model: MODEL,
      prompt: "hello",
      ...body,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.session_id;
  }

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
    alpha = await create({
      keep_alive: true,
      comms_name: "alpha",
      peer_meta: { description: "a" },
    });
    beta = await create({
      keep_alive: true,
      comms_name: "beta",
      peer_meta: { description: "the reviewer" },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  function requestsWith(text: string): FakeRequestRecord[] {
    return stack.fake.requests().filter((request) => JSON.stringify(request.body).includes(text));
  }

  /** A turn of `sessionId` whose model calls the given tools (one list per step), then says done. */
  async function turn(
    sessionId: string,
    marker: string,
    steps: FakeToolCall[][],
  ): Promise<{ result: RunResult; seen: Map<string, SeenResult>; requests: FakeRequestRecord[] }> {
    stack.fake.enqueue([...steps.map((toolCalls) => ({ toolCalls })), { text: "done" }], {
      contains: marker,
    });
    const response = await stack.request<RunResult>("POST", `/sessions/${sessionId}/messages`, {
      session_id: sessionId,
      prompt: marker,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const requests = requestsWith(marker);
    return { result: response.body, seen: toolResultsOf(requests.at(-1)), requests };
  }

  async function idle(sessionId: string): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await stack.db.handle.pool.query(
          `select (select count(*) from turns where session_id = $1
                     and status in ('queued', 'running'))::int as active,
                  (select count(*) from session_inputs where session_id = $1
                     and status = 'pending')::int as pending`,
          [sessionId],
        );
        const row = rows[0] as { active: number; pending: number };
        return row.active === 0 && row.pending === 0 ? true : undefined;
      },
      { what: "the session to be idle" },
    );
  }

  async function eventsOf(sessionId: string, type: string) {
    const { rows } = await stack.db.handle.pool.query<{ payload: Record<string, unknown> }>(
      "select payload from session_events where session_id = $1 and type = $2 order by seq",
      [sessionId, type],
    );
    return rows.map((row) => row.payload);
  }

  it("offers the comms tools only to a session with a comms name", async () => {
    const plain = await create({ prompt: "no comms here" });
    await turn(plain, "comms-tools-absent", []);
    const names = (request: FakeRequestRecord | undefined) =>
      ((request?.body["tools"] ?? []) as { name: string }[]).map((tool) => tool.name);
    expect(names(requestsWith("comms-tools-absent")[0])).not.toContain("send_message");

    await turn(alpha, "comms-tools-offered", []);
    expect(names(requestsWith("comms-tools-offered")[0])).toEqual(
      expect.arrayContaining(["peers", "send_message", "send_request", "send_response"]),
    );
  });

  it("lists the peers and sends a message that wakes the peer, whose model sees it", async () => {
    const { result, seen } = await turn(alpha, "comms-send-message", [
      [
        { id: "call_peers", name: "peers", args: {} },
        {
          id: "call_send",
          name: "send_message",
          args: { to: "beta", body: "deploy 4411 is green" },
        },
      ],
    ]);
    expect(result.tool_calls).toBe(2);
    const peers = jsonResult(seen, "call_peers")["peers"] as { name: string; peer_id: string }[];
    expect(peers.map((peer) => peer.name)).toContain("beta");
    expect(peers.find((peer) => peer.name === "beta")?.peer_id).toBe(beta);
    expect(peers.map((peer) => peer.name)).not.toContain("alpha");
    expect(jsonResult(seen, "call_send")).toMatchObject({ kind: "peer_message_sent", acked: true });

    await waitFor(() => requestsWith("Message from peer alpha:\\ndeploy 4411 is green")[0], {
      what: "beta's model to see the message",
    });
    await idle(beta);
    const history = await stack.request<{
      messages: { role: string; blocks?: Record<string, unknown>[] }[];
    }>("GET", `/sessions/${beta}/history`);
    const notice = history.body.messages.find(
      (message) =>
        message.role === "system_notice" &&
        message.blocks?.[0]?.["body"] === "deploy 4411 is green",
    );
    expect(notice?.blocks?.[0]).toMatchObject({
      type: "comms",
      kind: "peer_message",
      from: "alpha",
      from_session_id: alpha,
    });
  });

  it("a request and its response, both sent by tools, complete the requester's interaction", async () => {
    const asked = await turn(alpha, "comms-send-request", [
      [
        {
          id: "call_request",
          name: "send_request",
          args: { to: "beta", intent: "review-7731", params: { diff: 7731 } },
        },
      ],
    ]);
    const receipt = jsonResult(asked.seen, "call_request") as {
      kind: string;
      request_id: string;
      interaction_id: string;
    };
    expect(receipt.kind).toBe("peer_request_sent");
    await waitFor(() => requestsWith(`request_id ${receipt.request_id}, intent review-7731`)[0], {
      what: "beta's model to see the request",
    });
    await idle(beta);

    const answered = await turn(beta, "comms-send-response", [
      [
        {
          id: "call_response",
          name: "send_response",
          args: {
            to: "alpha",
            in_reply_to: receipt.request_id,
            status: "completed",
            result: { verdict: "approved" },
          },
        },
      ],
    ]);
    expect(jsonResult(answered.seen, "call_response")).toMatchObject({
      kind: "peer_response_sent",
      in_reply_to: receipt.request_id,
    });
    await waitFor(
      async () =>
        (await eventsOf(alpha, "interaction_complete")).find(
          (payload) => payload["request_id"] === receipt.request_id,
        ),
      { what: "alpha's interaction to complete" },
    );
    const complete = (await eventsOf(alpha, "interaction_complete")).find(
      (payload) => payload["request_id"] === receipt.request_id,
    );
    expect(complete).toMatchObject({
      interaction_id: receipt.interaction_id,
      status: "completed",
      result: { verdict: "approved" },
    });
    await idle(alpha);
  });

  it("gives the model an error result for an unknown peer or a send to itself", async () => {
    const { seen, result } = await turn(alpha, "comms-send-unknown", [
      [
        { id: "call_nobody", name: "send_message", args: { to: "nobody", body: "hi" } },
        { id: "call_self", name: "send_message", args: { to: "alpha", body: "hi me" } },
        { id: "call_bad", name: "send_response", args: { to: "beta", status: "maybe" } },
      ],
    ]);
    expect(result.text).toBe("done");
    expect(seen.get("call_nobody")).toMatchObject({ is_error: true });
    expect(seen.get("call_nobody")?.content).toContain("peer not found or not trusted: nobody");
    expect(seen.get("call_self")).toMatchObject({ is_error: true });
    expect(seen.get("call_self")?.content).toContain("cannot send to itself");
    expect(seen.get("call_bad")).toMatchObject({ is_error: true });
    const { rows } = await stack.db.handle.pool.query(
      "select 1 from session_inputs where notice->>'body' like '%hi me%' or notice->>'body' like '%: hi'",
    );
    expect(rows).toHaveLength(0);
  });

  it("a send repeated with the same envelope (a re-run turn) is admitted once", async () => {
    const wakes: string[] = [];
    const ports = {
      db: stack.db.handle.db,
      realmId: stack.realm,
      capacity: 100,
      wake: (sessionId: string) => {
        wakes.push(sessionId);
        return Promise.resolve();
      },
    };
    const ids = {
      envelopeId: "0b9a3c51-8f1e-4c8b-9a57-3f2a1d0e4b11",
      interactionId: "0b9a3c51-8f1e-4c8b-9a57-3f2a1d0e4b12",
      requestId: "0b9a3c51-8f1e-4c8b-9a57-3f2a1d0e4b13",
    };
    const command = {
      kind: "peer_request" as const,
      session_id: alpha,
      to: "beta",
      intent: "once-only",
      params: {},
    };
    const first = await sendComms(ports, command, ids);
    const second = await sendComms(ports, command, ids);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ kind: "peer_request_sent", request_id: ids.requestId });
    const { rows } = await stack.db.handle.pool.query(
      "select 1 from session_inputs where session_id = $1 and idempotency_key = $2",
      [beta, `envelope:${ids.envelopeId}`],
    );
    expect(rows).toHaveLength(1);
    expect(wakes).toEqual([beta]);
  });
});
