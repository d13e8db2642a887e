import { misfireLateOccurrences } from "@meerkat/shared/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface Schedule {
  schedule_id: string;
  revision: number;
  target: Record<string, unknown>;
}
interface Occurrence {
  occurrence_id: string;
  phase: string;
  target_snapshot: Record<string, unknown>;
  due_at_utc: string;
  session_id?: string;
  attempt_count: number;
  failure_class?: string;
  schedule_revision: number;
}

const SCHEDULER_ENV = { SCHEDULER_TICK_MS: "100", SCHEDULER_LEASE_MS: "1500" };

function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

describe("the scheduler delivers occurrences", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1, scheduler: true, env: SCHEDULER_ENV });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function createSchedule(body: Record<string, unknown>): Promise<Schedule> {
    const response = await stack.request<Schedule>("POST", "/schedules", body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function occurrences(id: string): Promise<Occurrence[]> {
    const response = await stack.request<{ occurrences: Occurrence[] }>(
      "GET",
      `/schedules/${id}/occurrences`,
    );
    return response.body.occurrences;
  }

  async function waitForPhases(
    id: string,
    phase: string,
    count: number,
    timeoutMs = 20_000,
  ): Promise<Occurrence[]> {
    return waitFor(
      async () => {
        const done = (await occurrences(id)).filter((o) => o.phase === phase);
        return done.length >= count ? done : undefined;
      },
      { what: `${count} ${phase} occurrences`, timeoutMs },
    );
  }

  it("fires into a materialised session and later fires reuse it", async () => {
    const schedule = await createSchedule({
      name: "materialise",
      trigger: { type: "interval", start_at_utc: inSeconds(1), every_seconds: 1 },
      target: {
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: "claude-haiku-4-5", labels: { origin: "schedule-test" } },
        action: { type: "prompt", prompt: "scheduled hello" },
      },
    });
    const done = await waitForPhases(schedule.schedule_id, "completed", 2);
    const sessions = new Set(done.map((o) => o.session_id));
    expect(sessions.size).toBe(1);
    const sessionId = [...sessions][0]!;
    const bound = await stack.request<Schedule>("GET", `/schedules/${schedule.schedule_id}`);
    expect(bound.body.target["bound_session_id"]).toBe(sessionId);
    // Delivered occurrences record the session; planned ones show the one they will go to.
    const listed = await occurrences(schedule.schedule_id);
    expect(listed.some((o) => o.phase === "pending")).toBe(true);
    for (const occurrence of listed.filter(
      (o) => o.phase === "completed" || o.phase === "pending",
    )) {
      expect(occurrence.target_snapshot["bound_session_id"], occurrence.phase).toBe(sessionId);
    }
    const history = await stack.request<{ messages: { role: string; content?: unknown }[] }>(
      "GET",
      `/sessions/${sessionId}/history`,
    );
    expect(history.body.messages.filter((m) => m.role === "user").length).toBeGreaterThanOrEqual(2);
    expect(history.body.messages[0]).toMatchObject({ role: "user", content: "scheduled hello" });
    const details = await stack.request<{ labels?: Record<string, string> }>(
      "GET",
      `/sessions/${sessionId}`,
    );
    expect(details.body.labels).toEqual({ origin: "schedule-test" });

    // The binding belongs to the server: a target read back and sent again keeps it (no new
    // revision); any other bound_session_id is refused and changes nothing.
    const path = `/schedules/${schedule.schedule_id}`;
    const echoed = await stack.request<Schedule>("PATCH", path, { target: bound.body.target });
    expect(echoed.status, JSON.stringify(echoed.body)).toBe(200);
    expect(echoed.body.revision).toBe(bound.body.revision);
    expect(echoed.body.target).toEqual(bound.body.target);
    const other = "0190f5c2-0000-7000-8000-00000000beef";
    const moved = await stack.request<{ error: string; code: string }>("PATCH", path, {
      target: { ...bound.body.target, bound_session_id: other },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(400);
    expect(moved.body).toEqual({
      code: "BAD_REQUEST",
      error: `invalid schedule: target.bound_session_id this schedule is bound to session ${sessionId} by the server, and the binding cannot be changed; omit it (use a resumable_session target to deliver to an existing session)`,
    });
    const after = await stack.request<Schedule>("GET", path);
    expect(after.body.revision).toBe(bound.body.revision);
    expect(after.body.target).toEqual(bound.body.target);
    await stack.request("DELETE", `/schedules/${schedule.schedule_id}`);
  });

  it("an event action wakes an idle session and the model sees the payload", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    const schedule = await createSchedule({
      trigger: { type: "once", due_at_utc: inSeconds(1) },
      target: {
        target_kind: "session",
        type: "exact_session",
        session_id: created.body.session_id,
        action: {
          type: "event",
          event_type: "nightly_report",
          payload: { report: "scheduled-event-payload" },
        },
      },
    });
    const [done] = await waitForPhases(schedule.schedule_id, "completed", 1);
    expect(done?.session_id).toBe(created.body.session_id);
    expect(
      stack.fake.requests().some((r) => JSON.stringify(r.body).includes("scheduled-event-payload")),
    ).toBe(true);
  });

  it("skips an occurrence while the target is busy (skip_if_running)", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    const id = created.body.session_id;
    stack.fake.enqueue({ text: "long", delayMs: 4_000 }, { contains: "stay busy" });
    const busy = stack.request("POST", `/sessions/${id}/messages`, {
      session_id: id,
      prompt: "stay busy",
    });
    await waitFor(() =>
      stack.fake.requests().find((r) => JSON.stringify(r.body).includes("stay busy")),
    );
    const schedule = await createSchedule({
      trigger: { type: "once", due_at_utc: inSeconds(0.5) },
      target: {
        target_kind: "session",
        type: "exact_session",
        session_id: id,
        action: { type: "prompt", prompt: "overlap" },
      },
      overlap_policy: "skip_if_running",
    });
    const [skipped] = await waitForPhases(schedule.schedule_id, "skipped", 1);
    expect(skipped?.failure_class).toBe("target_busy");
    await busy;
  });

  it("a missing target is misfired (mark_misfired) or skipped (skip)", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "gone",
      model: "claude-haiku-4-5",
    });
    const target = (policy: string) => ({
      trigger: { type: "once", due_at_utc: inSeconds(1.5) },
      target: {
        target_kind: "session",
        type: "resumable_session",
        session_id: created.body.session_id,
        action: { type: "prompt", prompt: "x" },
      },
      missing_target_policy: policy,
    });
    const marked = await createSchedule(target("mark_misfired"));
    const skipped = await createSchedule(target("skip"));
    await stack.request("DELETE", `/sessions/${created.body.session_id}`);
    const [misfired] = await waitForPhases(marked.schedule_id, "misfired", 1);
    expect(misfired?.failure_class).toBe("target_missing");
    const [skip] = await waitForPhases(skipped.schedule_id, "skipped", 1);
    expect(skip?.failure_class).toBe("target_missing");
  });

  it("pause stops firing; resume applies the misfire policy to what is overdue", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    const schedule = await createSchedule({
      trigger: { type: "interval", start_at_utc: inSeconds(1), every_seconds: 1 },
      target: {
        target_kind: "session",
        type: "resumable_session",
        session_id: created.body.session_id,
        action: { type: "prompt", prompt: "pulse" },
      },
      misfire_policy: { type: "catch_up_within", window_seconds: 1 },
      overlap_policy: "allow_concurrent",
    });
    await waitForPhases(schedule.schedule_id, "completed", 1);
    expect((await stack.request("POST", `/schedules/${schedule.schedule_id}/pause`)).status).toBe(
      200,
    );
    await waitFor(async () =>
      (await occurrences(schedule.schedule_id)).every((o) =>
        ["pending", "completed", "skipped"].includes(o.phase),
      )
        ? true
        : undefined,
    );
    const settledBefore = (await occurrences(schedule.schedule_id)).filter(
      (o) => o.phase !== "pending",
    ).length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const whilePaused = await occurrences(schedule.schedule_id);
    expect(whilePaused.filter((o) => o.phase !== "pending").length).toBe(settledBefore);
    // Its pending occurrences (overdue ones included) are held out of the scheduler's due index.
    const heldCounts = async () => {
      const { rows } = await stack.db.handle.pool.query<{ held: boolean; n: number }>(
        `select held, count(*)::int as n from schedule_occurrences
          where schedule_id = $1 and phase = 'pending' group by held`,
        [schedule.schedule_id],
      );
      return Object.fromEntries(rows.map((row) => [String(row.held), row.n]));
    };
    const paused = await heldCounts();
    expect(paused["true"]).toBeGreaterThan(0);
    expect(paused["false"]).toBeUndefined();
    expect((await stack.request("POST", `/schedules/${schedule.schedule_id}/resume`)).status).toBe(
      200,
    );
    expect((await heldCounts())["true"]).toBeUndefined();
    await waitForPhases(schedule.schedule_id, "misfired", 1);
    const afterResume = await waitForPhases(schedule.schedule_id, "completed", 2);
    expect(afterResume.length).toBeGreaterThanOrEqual(2);
    await stack.request("DELETE", `/schedules/${schedule.schedule_id}`);
  });

  it("a stored catch-up window beyond any timestamp cannot stop misfire handling", async () => {
    const schedule = await createSchedule({
      trigger: { type: "interval", start_at_utc: inSeconds(3_600), every_seconds: 3_600 },
      target: {
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: "claude-haiku-4-5" },
        action: { type: "prompt", prompt: "overdue hello" },
      },
      misfire_policy: { type: "catch_up_within", window_seconds: 60 },
    });
    // A row as no write can store it now (the API caps the window at ten years), overdue.
    const pool = stack.db.handle.pool;
    const { rowCount } = await pool.query(
      `update schedule_occurrences
          set misfire_policy = '{"type": "catch_up_within", "window_seconds": 1e15}',
              due_at = now() - interval '1 day'
        where id = (select id from schedule_occurrences
                     where schedule_id = $1 and phase = 'pending' and not held
                     order by due_at limit 1)`,
      [schedule.schedule_id],
    );
    expect(rowCount).toBe(1);
    // The scheduler's misfire query must still run: the row is within its (clamped) window.
    await expect(misfireLateOccurrences(stack.db.handle.db, 100)).resolves.toBeGreaterThanOrEqual(
      0,
    );
    const [delivered] = await waitForPhases(schedule.schedule_id, "completed", 1);
    expect(delivered?.phase).toBe("completed");
    await stack.request("DELETE", `/schedules/${schedule.schedule_id}`);
  });

  it("an update while a delivery runs supersedes it when it ends", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    stack.fake.enqueue(
      { text: "slow scheduled", delayMs: 2_000 },
      { contains: "slow scheduled prompt" },
    );
    const schedule = await createSchedule({
      trigger: { type: "once", due_at_utc: inSeconds(0.5) },
      target: {
        target_kind: "session",
        type: "exact_session",
        session_id: created.body.session_id,
        action: { type: "prompt", prompt: "slow scheduled prompt" },
      },
    });
    await waitForPhases(schedule.schedule_id, "awaiting_completion", 1);
    const updated = await stack.request<Schedule>("PATCH", `/schedules/${schedule.schedule_id}`, {
      trigger: { type: "once", due_at_utc: inSeconds(3600) },
    });
    expect(updated.body.revision).toBe(2);
    const [superseded] = await waitForPhases(schedule.schedule_id, "superseded", 1);
    expect(superseded?.schedule_revision).toBe(1);
  });
});

describe("several scheduler replicas", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1, scheduler: false, env: SCHEDULER_ENV });
    await Promise.all([stack.startScheduler(), stack.startScheduler()]);
  });
  afterAll(async () => {
    await stack.close();
  });

  async function dispatches(scheduleId: string) {
    const { rows } = await stack.db.handle.pool.query<{ occurrence_id: string; n: string }>(
      `select r.occurrence_id, count(*) as n from schedule_receipts r
       join schedule_occurrences o on o.id = r.occurrence_id
       where o.schedule_id = $1 and r.stage = 'dispatch_accepted' group by r.occurrence_id`,
      [scheduleId],
    );
    return rows;
  }

  it("deliver each occurrence exactly once", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    const response = await stack.request<Schedule>("POST", "/schedules", {
      trigger: { type: "interval", start_at_utc: inSeconds(0.5), every_seconds: 1 },
      target: {
        target_kind: "session",
        type: "resumable_session",
        session_id: created.body.session_id,
        action: { type: "event", event_type: "tick", payload: {} },
      },
      overlap_policy: "allow_concurrent",
    });
    const id = response.body.schedule_id;
    await waitFor(async () => ((await dispatches(id)).length >= 8 ? true : undefined), {
      what: "8 deliveries",
      timeoutMs: 30_000,
    });
    await stack.request("POST", `/schedules/${id}/pause`);
    const rows = await dispatches(id);
    expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
    const inputs = await stack.db.handle.pool.query<{ occurrence_id: string; n: string }>(
      "select occurrence_id, count(*) as n from session_inputs where occurrence_id is not null group by occurrence_id",
    );
    expect(inputs.rows.every((row) => Number(row.n) === 1)).toBe(true);
    const owners = await stack.db.handle.pool.query<{ claimed_by: string }>(
      "select distinct claimed_by from schedule_occurrences where schedule_id = $1 and claimed_by is not null",
      [id],
    );
    expect(owners.rows.length).toBeGreaterThanOrEqual(1);
  });

  it("a scheduler killed mid-delivery leaves the occurrence to another, which delivers it once", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "base",
      model: "claude-haiku-4-5",
    });
    const sessionId = created.body.session_id;
    // Hold the target session's row: a delivery blocks on it right after its claim.
    const blocker = new pg.Client({ connectionString: stack.db.url });
    await blocker.connect();
    await blocker.query("begin");
    await blocker.query("select id from sessions where id = $1 for update", [sessionId]);
    try {
      const response = await stack.request<Schedule>("POST", "/schedules", {
        trigger: { type: "once", due_at_utc: inSeconds(0.5) },
        target: {
          target_kind: "session",
          type: "exact_session",
          session_id: sessionId,
          action: { type: "prompt", prompt: "exactly once please" },
        },
        overlap_policy: "allow_concurrent",
      });
      const id = response.body.schedule_id;
      const claimed = await waitFor(async () => {
        const { rows } = await stack.db.handle.pool.query<{ claimed_by: string }>(
          "select claimed_by from schedule_occurrences where schedule_id = $1 and phase = 'claimed'",
          [id],
        );
        return rows[0]?.claimed_by;
      });
      const holder = stack.schedulers.find((scheduler) =>
        claimed.endsWith(`:${scheduler.child.pid}`),
      )!;
      // Mid-delivery: the holder's delivery statement waits on the session's lock (it renews its
      // claim meanwhile, so no other replica takes the occurrence yet). Then the holder dies.
      const waiting = await waitFor(
        async () => {
          const { rows } = await stack.db.handle.pool.query<{ pid: number }>(
            `select pid from pg_stat_activity
              where wait_event_type = 'Lock' and query like '%awaiting_completion%'
                and application_name = $1`,
            [`meerkat-${claimed}`],
          );
          return rows.length > 0 ? rows : undefined;
        },
        { what: "the holder's delivery to wait on the session lock" },
      );
      await holder.kill();
      // Postgres does not notice a dead client while its statement waits on a lock; end the
      // dead scheduler's waiting statement the way a connection check would, so it never runs.
      for (const { pid } of waiting) {
        await stack.db.handle.pool.query("select pg_terminate_backend($1)", [pid]);
      }
      await blocker.query("rollback");
      const done = await waitFor(
        async () => {
          const { rows } = await stack.db.handle.pool.query<{
            phase: string;
            attempt_count: number;
          }>("select phase, attempt_count from schedule_occurrences where schedule_id = $1", [id]);
          return rows[0]?.phase === "completed" ? rows[0] : undefined;
        },
        { what: "the occurrence to complete after the lease", timeoutMs: 30_000 },
      );
      expect(done.attempt_count).toBe(2);
      const stages = await stack.db.handle.pool.query<{ stage: string }>(
        `select r.stage from schedule_receipts r join schedule_occurrences o on o.id = r.occurrence_id
         where o.schedule_id = $1 order by r.recorded_at, r.attempt`,
        [id],
      );
      const names = stages.rows.map((row) => row.stage);
      expect(names.filter((stage) => stage === "dispatch_accepted")).toHaveLength(1);
      expect(names).toContain("lease_expired");
      expect(
        stack.fake.requests().filter((r) => JSON.stringify(r.body).includes("exactly once please")),
      ).toHaveLength(1);
    } finally {
      await blocker.end().catch(() => undefined);
    }
  });
});
