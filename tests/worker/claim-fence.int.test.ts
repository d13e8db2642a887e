import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admitInput,
  appendEvents,
  claimTurnWithContext,
  commitTurnOutcome,
  createSessionWithTurn,
  ensureRealm,
  fenceOf,
  listEventsAfter,
  loadTranscript,
  releaseTurnLease,
  renewTurnLease,
  saveCompaction,
  saveToolCallResult,
  saveTurnStep,
  stageSystemContext,
  type TurnFence,
  type TurnOutcome,
} from "@meerkat/shared/db";
import { newId, toWireUsage, ZERO_USAGE } from "@meerkat/shared/domain";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const REALM = "fence-test";

describe("the relaxed-durability handle", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("commits without waiting for the WAL flush, and only it does", async () => {
    const setting = async (pool: typeof database.handle.pool) =>
      (await pool.query<{ value: string }>("select current_setting('synchronous_commit') as value"))
        .rows[0]?.value;
    expect(await setting(database.handle.pool)).toBe("on");
    expect(await setting(database.handle.relaxedPool)).toBe("off");
  });
});

describe("a claim that a Postgres crash rolled back", () => {
  let database: TestDatabase;
  let sessionId: string;
  let turnId: string;
  let lost: TurnFence;
  let current: TurnFence;
  let inputId: string;
  let contextId: string;

  const inboxState = async () => {
    const { rows } = await database.handle.pool.query<{ input: string; context: string }>(
      `select (select status from session_inputs where id = $1) as input,
              (select status from session_system_context where id = $2) as context`,
      [inputId, contextId],
    );
    return rows[0];
  };
  /** The outcome with what the turn took from the inbox (the one input, the staged context). */
  const withInbox = (base: TurnOutcome): TurnOutcome => ({
    ...base,
    consumeInputIds: [inputId],
    applySystemContextIds: [contextId],
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db, relaxed, pool } = database.handle;
    await ensureRealm(db, REALM);
    sessionId = newId();
    turnId = newId();
    await createSessionWithTurn(
      db,
      {
        id: sessionId,
        realmId: REALM,
        model: "claude-haiku-4-5",
        provider: "anthropic",
        settings: {
          system_prompt: null,
          max_tokens: 1024,
          structured_output_retries: 0,
          keep_alive: false,
        },
        labels: {},
      },
      { id: turnId, kind: "prompt", input: { prompt: "hello" } },
    );
    inputId = newId();
    contextId = newId();
    expect(
      await admitInput(db, {
        id: inputId,
        realmId: REALM,
        sessionId,
        kind: "external_event",
        source: "test",
        handlingMode: "queue",
        notice: { body: "an event", blocks: [] },
        capacity: 10,
      }),
    ).toBe("admitted");
    expect(
      (await stageSystemContext(db, { id: contextId, realmId: REALM, sessionId, text: "ctx" }))
        .outcome,
    ).toBe("staged");
    const first = await claimTurnWithContext(relaxed, {
      turnId,
      owner: `worker-a#${newId()}`,
      leaseMs: 60_000,
    });
    if (!first) throw new Error("the first claim failed");
    lost = fenceOf(first.turn);
    // What recovery after a crash leaves when the claim's commit had not reached the disk:
    // the row as it was before the claim, while worker A, which never heard of the crash,
    // still runs the attempt.
    await pool.query(
      `update turns set status = 'queued', lease_owner = null, lease_epoch = 0, attempt = 0,
         lease_expires_at = null, started_at = null where id = $1`,
      [turnId],
    );
    const second = await claimTurnWithContext(relaxed, {
      turnId,
      owner: `worker-b#${newId()}`,
      leaseMs: 60_000,
    });
    if (!second) throw new Error("the second claim failed");
    current = fenceOf(second.turn);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("gives the next claim the same epoch number but another owner token", () => {
    expect(current.epoch).toBe(lost.epoch);
    expect(current.owner).not.toBe(lost.owner);
  });

  it("fences every write of the lost attempt out", async () => {
    const { db, pool } = database.handle;
    expect((await renewTurnLease(db, { fence: lost, leaseMs: 60_000 })).held).toBe(false);
    expect(
      await appendEvents(db, {
        sessionId,
        realmId: REALM,
        turnId,
        events: [
          {
            eventId: newId(),
            payload: { type: "turn_started", turn_number: 0 },
            emittedAtMs: Date.now(),
          },
        ],
        fence: lost,
      }),
    ).toBeNull();
    expect(
      await saveTurnStep(db, lost, {
        step: 0,
        realmId: REALM,
        assistant: { text: "stale", toolCalls: [], stopReason: "end_turn" },
        usage: ZERO_USAGE,
      }),
    ).toBe(false);
    expect(
      await saveToolCallResult(
        db,
        { ...lost, realmId: REALM },
        {
          callId: "call_1",
          step: 0,
          name: "datetime",
          args: {},
          content: "stale",
          isError: false,
          durationMs: 1,
        },
      ),
    ).toBe(false);
    expect(
      await saveCompaction(db, lost, {
        id: newId(),
        sessionId,
        realmId: REALM,
        throughSeq: 0,
        summary: "stale",
        summaryTokens: 1,
        memories: [],
      }),
    ).toBe(false);
    const before = await pool.query<{ lease_expires_at: Date }>(
      "select lease_expires_at from turns where id = $1",
      [turnId],
    );
    await releaseTurnLease(db, lost);
    const after = await pool.query<{ lease_expires_at: Date }>(
      "select lease_expires_at from turns where id = $1",
      [turnId],
    );
    expect(after.rows[0]?.lease_expires_at).toEqual(before.rows[0]?.lease_expires_at);
    expect(
      (await commitTurnOutcome(db, withInbox(outcome(lost, sessionId, "stale reply")))).kind,
    ).toBe("fenced");
    // Nothing the lost attempt took from the inbox is consumed or applied.
    expect(await inboxState()).toEqual({ input: "pending", context: "staged" });

    const { rows } = await pool.query<{ n: string }>(
      `select (select count(*) from session_events where session_id = $1)
            + (select count(*) from turn_steps where turn_id = $2)
            + (select count(*) from turn_tool_calls where turn_id = $2)
            + (select count(*) from session_compactions where session_id = $1) as n`,
      [sessionId, turnId],
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it("lets the current attempt write and commit, and the transcript holds its reply only", async () => {
    const { db, pool } = database.handle;
    expect((await renewTurnLease(db, { fence: current, leaseMs: 60_000 })).held).toBe(true);
    const committed = await commitTurnOutcome(
      db,
      withInbox(outcome(current, sessionId, "the reply")),
    );
    expect(committed.kind).toBe("committed");
    expect(await inboxState()).toEqual({ input: "consumed", context: "applied" });
    const transcript = await loadTranscript(db, sessionId);
    expect(transcript).toEqual([
      { role: "user", content: "hello" },
      {
        role: "block_assistant",
        blocks: [{ block_type: "text", data: { text: "the reply" } }],
        stop_reason: "end_turn",
      },
    ]);
    const events = await listEventsAfter(db, sessionId, 0, 10);
    expect(events.map((event) => event.payload.type)).toEqual(["run_completed"]);
    const { rows } = await pool.query<{ status: string; lease_owner: string }>(
      "select status, lease_owner from turns where id = $1",
      [turnId],
    );
    expect(rows[0]).toEqual({ status: "completed", lease_owner: current.owner });
  });
});

function outcome(fence: TurnFence, sessionId: string, text: string): TurnOutcome {
  return {
    fence,
    sessionId,
    realmId: REALM,
    status: "completed",
    result: null,
    error: null,
    newMessages: [
      { role: "user", content: "hello" },
      {
        role: "block_assistant",
        blocks: [{ block_type: "text", data: { text } }],
        stop_reason: "end_turn",
      },
    ],
    usage: ZERO_USAGE,
    lastAssistantText: text,
    events: [
      {
        eventId: newId(),
        payload: {
          type: "run_completed",
          session_id: sessionId,
          result: text,
          usage: toWireUsage(ZERO_USAGE),
        },
        emittedAtMs: Date.now(),
      },
    ],
  };
}
