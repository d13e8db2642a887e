import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refillDueHorizons } from "@meerkat/shared/schedules";
import { startStack, type Stack } from "../support/stack.js";

interface ErrorBody {
  error: string;
  code: string;
}
interface Receipt {
  stage: string;
  attempt: number;
  detail?: string;
}
interface Occurrence {
  occurrence_id: string;
  schedule_revision: number;
  occurrence_ordinal: number;
  phase: string;
  due_at_utc: string;
  superseded_by_revision?: number;
  last_receipt?: Receipt;
  attempt_count: number;
  trigger_snapshot: Record<string, unknown>;
  target_snapshot: Record<string, unknown>;
}
interface Schedule {
  schedule_id: string;
  phase: string;
  revision: number;
  name?: string;
  trigger: Record<string, unknown>;
  target: Record<string, unknown>;
  misfire_policy: Record<string, unknown>;
  overlap_policy: string;
  missing_target_policy: string;
  next_occurrence_ordinal: number;
  planning_cursor_utc?: string;
  planning_horizon_days: number;
  planning_horizon_occurrences: number;
  labels: Record<string, string>;
  created_at_utc: string;
  updated_at_utc: string;
  deleted_at_utc?: string;
}

const MODEL = "claude-haiku-4-5";
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("the schedules API", () => {
  let stack: Stack;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "a session for schedules to target",
      model: MODEL,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    sessionId = created.body.session_id;
  });
  afterAll(async () => {
    await stack.close();
  });

  const prompt = { type: "prompt", prompt: "time to check in" };
  const sessionTarget = () => ({
    target_kind: "session",
    type: "resumable_session",
    session_id: sessionId,
    action: prompt,
  });
  const hourly = (startMs = Date.now() + 10 * MINUTE) => ({
    type: "interval",
    start_at_utc: iso(startMs),
    every_seconds: 3600,
  });

  async function create(body: Record<string, unknown>): Promise<Schedule> {
    const response = await stack.request<Schedule>("POST", "/schedules", {
      target: sessionTarget(),
      ...body,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function occurrences(id: string, query = ""): Promise<Occurrence[]> {
    const response = await stack.request<{ occurrences: Occurrence[] }>(
      "GET",
      `/schedules/${id}/occurrences${query}`,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.occurrences;
  }

  async function scheduleCount(): Promise<number> {
    const { rows } = await stack.db.handle.pool.query<{ n: number }>(
      "select (select count(*) from schedules)::int + (select count(*) from schedule_occurrences)::int as n",
    );
    return rows[0]?.n ?? -1;
  }

  describe("create and the planned ledger", () => {
    it("plans an interval that started in the past only from a minute ago, capped by occurrences", async () => {
      const before = Date.now();
      const schedule = await create({
        name: "every ten minutes",
        trigger: {
          type: "interval",
          start_at_utc: iso(before - 2 * 3_600_000),
          every_seconds: 600,
        },
        planning_horizon_occurrences: 5,
      });
      expect(schedule).toMatchObject({
        phase: "active",
        revision: 1,
        name: "every ten minutes",
        misfire_policy: { type: "skip" },
        overlap_policy: "skip_if_running",
        missing_target_policy: "mark_misfired",
        planning_horizon_days: 30,
        planning_horizon_occurrences: 5,
        next_occurrence_ordinal: 5,
        labels: {},
        target: { type: "resumable_session", session_id: sessionId },
      });
      expect(schedule.trigger).toEqual({
        type: "interval",
        start_at_utc: iso(before - 2 * 3_600_000),
        every_seconds: 600,
      });

      const { rows } = await stack.db.handle.pool.query<{
        ordinal: number;
        due_at: Date;
        phase: string;
        schedule_revision: number;
        stages: string[];
        target_snapshot: Record<string, unknown>;
      }>(
        `select o.ordinal, o.due_at, o.phase, o.schedule_revision, o.target_snapshot,
                array_agg(r.stage order by r.recorded_at) as stages
         from schedule_occurrences o join schedule_receipts r on r.occurrence_id = o.id
         where o.schedule_id = $1 group by o.id order by o.ordinal`,
        [schedule.schedule_id],
      );
      expect(rows.map((row) => row.ordinal)).toEqual([0, 1, 2, 3, 4]);
      for (const row of rows) {
        expect(row.phase).toBe("pending");
        expect(row.schedule_revision).toBe(1);
        expect(row.stages).toEqual(["planned"]);
        expect(row.target_snapshot).toMatchObject({ session_id: sessionId });
      }
      const dues = rows.map((row) => row.due_at.getTime());
      // Nothing before a minute ago (no back-fill), on the 10-minute grid, 10 minutes apart.
      expect(dues[0]).toBeGreaterThan(before - MINUTE - 1_000);
      expect(dues[0]).toBeLessThanOrEqual(before - MINUTE + 600_000 + 1_000);
      expect((dues[0]! - (before - 2 * 3_600_000)) % 600_000).toBe(0);
      expect(dues.slice(1).map((due, index) => due - dues[index]!)).toEqual([
        600_000, 600_000, 600_000, 600_000,
      ]);
      expect(schedule.planning_cursor_utc).toBe(iso(dues[4]!));
    });

    it("caps the horizon by days", async () => {
      const schedule = await create({
        trigger: {
          type: "interval",
          start_at_utc: iso(Date.now() + 3_600_000),
          every_seconds: 86_400,
        },
        planning_horizon_days: 2,
      });
      expect((await occurrences(schedule.schedule_id)).length).toBe(2);
      expect(schedule.next_occurrence_ordinal).toBe(2);
    });

    it("plans a future once trigger, and nothing for one long past", async () => {
      const future = await create({
        trigger: { type: "once", due_at_utc: iso(Date.now() + 3_600_000) },
      });
      const planned = await occurrences(future.schedule_id);
      expect(planned).toHaveLength(1);
      expect(planned[0]).toMatchObject({
        occurrence_ordinal: 0,
        phase: "pending",
        attempt_count: 0,
        last_receipt: { stage: "planned", attempt: 0 },
        trigger_snapshot: future.trigger,
      });

      const past = await create({
        trigger: { type: "once", due_at_utc: iso(Date.now() - 10 * MINUTE) },
      });
      expect(await occurrences(past.schedule_id)).toEqual([]);
      expect(past.next_occurrence_ordinal).toBe(0);
      expect(past).not.toHaveProperty("planning_cursor_utc");
    });

    it("stores cron authoring as the equivalent calendar trigger", async () => {
      const schedule = await create({
        trigger: { type: "cron", expression: "0 9 * * 1-5", timezone: "Europe/Paris" },
        planning_horizon_occurrences: 3,
      });
      expect(schedule.trigger).toMatchObject({
        type: "calendar",
        timezone: "Europe/Paris",
        minute: { kind: "values", values: [0] },
        hour: { kind: "values", values: [9] },
        day_of_week: { kind: "values", values: [1, 2, 3, 4, 5] },
      });
      const planned = await occurrences(schedule.schedule_id);
      expect(planned).toHaveLength(3);
      for (const occurrence of planned) {
        const local = new Intl.DateTimeFormat("en-GB", {
          timeZone: "Europe/Paris",
          weekday: "short",
          hour: "2-digit",
          minute: "2-digit",
        }).format(new Date(occurrence.due_at_utc));
        expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
      }
    });

    it("applies the given policies and materialise targets", async () => {
      const schedule = await create({
        trigger: hourly(),
        target: {
          target_kind: "session",
          type: "materialize_on_demand_session",
          create: { model: MODEL, labels: { team: "ops" }, system_prompt: null },
          action: { type: "event", event_type: "nightly", payload: { n: 1 } },
        },
        misfire_policy: { type: "catch_up_within", window_seconds: 300 },
        overlap_policy: "allow_concurrent",
        missing_target_policy: "skip",
      });
      expect(schedule).toMatchObject({
        misfire_policy: { type: "catch_up_within", window_seconds: 300 },
        overlap_policy: "allow_concurrent",
        missing_target_policy: "skip",
      });
      expect(schedule.target).toEqual({
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: MODEL, labels: { team: "ops" } },
        action: { type: "event", event_type: "nightly", payload: { n: 1 } },
      });
    });
  });

  describe("refusals write nothing", () => {
    const cases: [string, () => Record<string, unknown>, number, string | RegExp][] = [
      [
        "an invalid time zone",
        () => ({ trigger: { type: "calendar", timezone: "Mars/Olympus_Mons" } }),
        400,
        "invalid trigger: invalid IANA timezone: Mars/Olympus_Mons",
      ],
      [
        "every_seconds 0",
        () => ({ trigger: { type: "interval", start_at_utc: iso(Date.now()), every_seconds: 0 } }),
        400,
        /^invalid trigger: every_seconds/,
      ],
      [
        "a bad cron expression",
        () => ({ trigger: { type: "cron", expression: "every day at nine", timezone: "UTC" } }),
        400,
        /^invalid trigger: /,
      ],
      [
        "an unknown target session",
        () => ({
          trigger: hourly(),
          target: {
            target_kind: "session",
            type: "exact_session",
            session_id: "0190f5c2-0000-7000-8000-00000000dead",
            action: prompt,
          },
        }),
        400,
        "invalid schedule: target session 0190f5c2-0000-7000-8000-00000000dead not found",
      ],
      [
        "a reserved label",
        () => ({ trigger: hourly(), labels: { "meerkat.owner": "me" } }),
        400,
        "invalid schedule: metadata label key 'meerkat.owner' is reserved for Meerkat-owned runtime facts",
      ],
      [
        "a materialise target without a model",
        () => ({
          trigger: hourly(),
          target: {
            target_kind: "session",
            type: "materialize_on_demand_session",
            create: {},
            action: prompt,
          },
        }),
        400,
        /target\.create\.model/,
      ],
      [
        "a horizon of zero",
        () => ({ trigger: hourly(), planning_horizon_occurrences: 0 }),
        400,
        /planning_horizon_occurrences/,
      ],
    ];

    it.each(cases)("%s → %i", async (_what, body, status, message) => {
      const before = await scheduleCount();
      const response = await stack.request<ErrorBody>("POST", "/schedules", {
        target: sessionTarget(),
        ...body(),
      });
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body.code).toBe("BAD_REQUEST");
      if (typeof message === "string") expect(response.body.error).toBe(message);
      else expect(response.body.error).toMatch(message);
      expect(await scheduleCount()).toBe(before);
    });

    it("answers 501 for mob targets (this server has no mobs)", async () => {
      const before = await scheduleCount();
      const response = await stack.request<ErrorBody>("POST", "/schedules", {
        trigger: hourly(),
        target: { target_kind: "mob", type: "flow", mob_id: "m", flow_id: "f", params: {} },
      });
      expect(response.status).toBe(501);
      expect(response.body).toEqual({
        code: "CAPABILITY_UNAVAILABLE",
        error: "mob targets are not available: this server has no mobs",
      });
      expect(await scheduleCount()).toBe(before);
    });
  });

  describe("reads", () => {
    it("gets one schedule; bad ids are 400, unknown ones 404", async () => {
      const schedule = await create({ trigger: hourly() });
      const got = await stack.request<Schedule>("GET", `/schedules/${schedule.schedule_id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(schedule);

      const bad = await stack.request<ErrorBody>("GET", "/schedules/not-a-uuid");
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({
        code: "BAD_REQUEST",
        error: "Invalid schedule id 'not-a-uuid': expected a UUID",
      });

      const unknown = "0190f5c2-0000-7000-8000-00000000beef";
      for (const [method, path] of [
        ["GET", `/schedules/${unknown}`],
        ["PATCH", `/schedules/${unknown}`],
        ["DELETE", `/schedules/${unknown}`],
        ["POST", `/schedules/${unknown}/pause`],
        ["POST", `/schedules/${unknown}/resume`],
        ["POST", `/schedules/${unknown}/trigger`],
        ["GET", `/schedules/${unknown}/occurrences`],
      ] as const) {
        const response = await stack.request<ErrorBody>(
          method,
          path,
          method === "PATCH" ? { name: "x" } : undefined,
        );
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body).toEqual({
          code: "SCHEDULE_NOT_FOUND",
          error: `Schedule not found: ${unknown}`,
        });
      }
    });

    it("lists live schedules oldest first, with label filters, limit and offset", async () => {
      const a = await create({ trigger: hourly(), labels: { suite: "list", team: "red" } });
      const b = await create({ trigger: hourly(), labels: { suite: "list", team: "blue" } });
      const c = await create({ trigger: hourly(), labels: { suite: "list", team: "red" } });
      const gone = await create({ trigger: hourly(), labels: { suite: "list", team: "red" } });
      expect((await stack.request("DELETE", `/schedules/${gone.schedule_id}`)).status).toBe(200);

      const ids = async (query: string) => {
        const response = await stack.request<{ schedules: Schedule[] }>(
          "GET",
          `/schedules${query}`,
        );
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body.schedules.map((schedule) => schedule.schedule_id);
      };
      expect(await ids("?labels=suite=list")).toEqual([a, b, c].map((s) => s.schedule_id));
      expect(await ids("?labels=suite=list&labels=team=red")).toEqual([
        a.schedule_id,
        c.schedule_id,
      ]);
      expect(await ids("?label=suite=list&label=team=blue")).toEqual([b.schedule_id]);
      expect(await ids("?labels=suite=list&limit=1&offset=1")).toEqual([b.schedule_id]);
      expect(await ids("?labels=suite=nothing")).toEqual([]);
      const all = await ids("");
      expect(all).toEqual(expect.arrayContaining([a.schedule_id, b.schedule_id, c.schedule_id]));
      expect(all).not.toContain(gone.schedule_id);

      for (const query of [
        "?limit=0",
        "?limit=1001",
        "?offset=-1",
        "?labels=noequals",
        // Read as GET /sessions reads them: plain decimal integers, given once.
        "?limit=",
        "?limit=0x5",
        "?limit=1e1",
        "?limit=1&limit=2",
        "?offset=1.5",
      ]) {
        const response = await stack.request<ErrorBody>("GET", `/schedules${query}`);
        expect(response.status, query).toBe(400);
        expect(response.body.code).toBe("BAD_REQUEST");
      }
    });
  });

  describe("update", () => {
    it("bumps the revision for a changed trigger and supersedes the pending occurrences", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 3 });
      const planned = await occurrences(schedule.schedule_id);
      expect(planned.map((o) => o.occurrence_ordinal)).toEqual([0, 1, 2]);

      const updated = await stack.request<Schedule>("PATCH", `/schedules/${schedule.schedule_id}`, {
        expected_revision: 1,
        trigger: { ...hourly(), every_seconds: 7200 },
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body).toMatchObject({ revision: 2, next_occurrence_ordinal: 6 });
      expect(updated.body.trigger).toMatchObject({ every_seconds: 7200 });

      const all = await occurrences(schedule.schedule_id);
      const old = all.filter((o) => o.schedule_revision === 1);
      expect(old.map((o) => o.occurrence_id).sort()).toEqual(
        planned.map((o) => o.occurrence_id).sort(),
      );
      for (const occurrence of old) {
        expect(occurrence).toMatchObject({
          phase: "superseded",
          superseded_by_revision: 2,
          last_receipt: { stage: "superseded" },
        });
      }
      const current = all.filter((o) => o.schedule_revision === 2);
      expect(current.map((o) => o.occurrence_ordinal)).toEqual([3, 4, 5]);
      expect(current.every((o) => o.phase === "pending")).toBe(true);
      expect(current[0]?.trigger_snapshot).toMatchObject({ every_seconds: 7200 });

      // Non-terminal only: the superseded ones are gone from that view.
      const live = await occurrences(schedule.schedule_id, "?include_terminal=false");
      expect(live.map((o) => o.occurrence_id)).toEqual(current.map((o) => o.occurrence_id));
      expect(await occurrences(schedule.schedule_id, "?include_terminal=true")).toEqual(all);
    });

    it("keeps the revision for name, labels and horizon changes, and for an unchanged policy", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 2 });
      const before = await occurrences(schedule.schedule_id);
      const updated = await stack.request<Schedule>("PATCH", `/schedules/${schedule.schedule_id}`, {
        name: "renamed",
        description: "now described",
        labels: { kind: "renamed" },
        overlap_policy: "skip_if_running",
        trigger: schedule.trigger,
        planning_horizon_occurrences: 4,
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body).toMatchObject({
        revision: 1,
        name: "renamed",
        labels: { kind: "renamed" },
        planning_horizon_occurrences: 4,
        next_occurrence_ordinal: 4,
      });
      const after = await occurrences(schedule.schedule_id);
      expect(after.slice(0, 2)).toEqual(before);
      expect(after.map((o) => o.occurrence_ordinal)).toEqual([0, 1, 2, 3]);
    });

    it("refuses a stale expected_revision with the reference's message and changes nothing", async () => {
      const schedule = await create({ trigger: hourly(), name: "original" });
      const before = await occurrences(schedule.schedule_id);
      const stale = await stack.request<ErrorBody>("PATCH", `/schedules/${schedule.schedule_id}`, {
        expected_revision: 7,
        name: "changed",
        trigger: { ...hourly(), every_seconds: 60 },
      });
      expect(stale.status).toBe(400);
      expect(stale.body).toEqual({
        code: "BAD_REQUEST",
        error: "invalid schedule: schedule revision mismatch: expected 7, found 1",
      });
      const got = await stack.request<Schedule>("GET", `/schedules/${schedule.schedule_id}`);
      expect(got.body).toEqual(schedule);
      expect(await occurrences(schedule.schedule_id)).toEqual(before);
    });

    it("refuses an invalid trigger on update and changes nothing", async () => {
      const schedule = await create({ trigger: hourly() });
      const response = await stack.request<ErrorBody>(
        "PATCH",
        `/schedules/${schedule.schedule_id}`,
        {
          trigger: { type: "calendar", timezone: "Nowhere/Special" },
        },
      );
      expect(response.status).toBe(400);
      expect(response.body.error).toBe("invalid trigger: invalid IANA timezone: Nowhere/Special");
      expect(
        (await stack.request<Schedule>("GET", `/schedules/${schedule.schedule_id}`)).body,
      ).toEqual(schedule);
    });
  });

  describe("pause, resume, delete", () => {
    it("pauses idempotently and releases a claimed but undispatched occurrence", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 2 });
      const [first] = await occurrences(schedule.schedule_id);
      // As a scheduler would have claimed it.
      await stack.db.handle.pool.query(
        `update schedule_occurrences set phase = 'claimed', claimed_by = 'test', attempt_count = 1,
           lease_expires_at = now() + interval '1 minute', claimed_at = now() where id = $1`,
        [first!.occurrence_id],
      );

      const paused = await stack.request<Schedule>(
        "POST",
        `/schedules/${schedule.schedule_id}/pause`,
      );
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ phase: "paused", revision: 1 });
      const again = await stack.request<Schedule>(
        "POST",
        `/schedules/${schedule.schedule_id}/pause`,
      );
      expect(again.status).toBe(200);
      expect(again.body).toEqual(paused.body);

      const released = (await occurrences(schedule.schedule_id))[0];
      expect(released).toMatchObject({
        occurrence_id: first!.occurrence_id,
        phase: "pending",
        attempt_count: 1,
        last_receipt: { stage: "lease_expired", attempt: 1 },
      });
      expect(released).not.toHaveProperty("claimed_by");

      const triggered = await stack.request<ErrorBody>(
        "POST",
        `/schedules/${schedule.schedule_id}/trigger`,
      );
      expect(triggered.status).toBe(400);
      expect(triggered.body.error).toBe("invalid schedule: schedule is paused");

      const resumed = await stack.request<Schedule>(
        "POST",
        `/schedules/${schedule.schedule_id}/resume`,
      );
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ phase: "active", revision: 1 });
      const resumedAgain = await stack.request<Schedule>(
        "POST",
        `/schedules/${schedule.schedule_id}/resume`,
      );
      expect(resumedAgain.status).toBe(200);
      expect(resumedAgain.body.phase).toBe("active");
    });

    it("deletes (a new revision, pending superseded), idempotently; then refuses changes", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 2 });
      const deleted = await stack.request<Schedule>("DELETE", `/schedules/${schedule.schedule_id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ phase: "deleted", revision: 2 });
      expect(Date.parse(deleted.body.deleted_at_utc ?? "")).not.toBeNaN();

      const history = await occurrences(schedule.schedule_id);
      expect(history).toHaveLength(2);
      for (const occurrence of history) {
        expect(occurrence).toMatchObject({
          phase: "superseded",
          superseded_by_revision: 2,
          last_receipt: { stage: "superseded" },
        });
      }
      expect(await occurrences(schedule.schedule_id, "?include_terminal=false")).toEqual([]);

      const again = await stack.request<Schedule>("DELETE", `/schedules/${schedule.schedule_id}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(deleted.body);
      const got = await stack.request<Schedule>("GET", `/schedules/${schedule.schedule_id}`);
      expect(got.body).toEqual(deleted.body);

      for (const [method, path, body] of [
        ["POST", "pause", undefined],
        ["POST", "resume", undefined],
        ["PATCH", "", { name: "late" }],
      ] as const) {
        const response = await stack.request<ErrorBody>(
          method,
          `/schedules/${schedule.schedule_id}${path ? `/${path}` : ""}`,
          body,
        );
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(response.body).toEqual({
          code: "BAD_REQUEST",
          error: "invalid schedule: schedule is deleted",
        });
      }
    });
  });

  describe("additions: trigger now and preview", () => {
    it("adds one occurrence due now through the same ledger", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 2 });
      const before = Date.now();
      const response = await stack.request<Occurrence>(
        "POST",
        `/schedules/${schedule.schedule_id}/trigger`,
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        schedule_revision: 1,
        occurrence_ordinal: 2,
        phase: "pending",
        last_receipt: { stage: "planned", detail: "triggered on demand" },
      });
      expect(Math.abs(Date.parse(response.body.due_at_utc) - before)).toBeLessThan(5_000);
      const all = await occurrences(schedule.schedule_id);
      expect(all[0]?.occurrence_id).toBe(response.body.occurrence_id);
      const got = await stack.request<Schedule>("GET", `/schedules/${schedule.schedule_id}`);
      expect(got.body.next_occurrence_ordinal).toBe(3);
    });

    it("previews an interval from a given time", async () => {
      const response = await stack.request<{
        trigger: unknown;
        fire_times: string[];
        dst_notes: unknown[];
      }>("POST", "/schedules/preview", {
        trigger: { type: "interval", start_at_utc: "2026-01-01T00:00:00Z", every_seconds: 3600 },
        count: 3,
        from: "2026-01-01T00:00:00Z",
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        trigger: {
          type: "interval",
          start_at_utc: "2026-01-01T00:00:00.000Z",
          every_seconds: 3600,
        },
        fire_times: [
          "2026-01-01T01:00:00.000Z",
          "2026-01-01T02:00:00.000Z",
          "2026-01-01T03:00:00.000Z",
        ],
        dst_notes: [],
      });
    });

    it("previews a cron trigger across a daylight-saving change, with a note", async () => {
      const response = await stack.request<{
        trigger: Record<string, unknown>;
        fire_times: string[];
        dst_notes: { kind: string; timezone: string; local_time: string }[];
      }>("POST", "/schedules/preview", {
        trigger: { type: "cron", expression: "30 2 * * *", timezone: "Europe/Berlin" },
        count: 3,
        from: "2026-03-27T12:00:00Z",
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.trigger).toMatchObject({ type: "calendar", timezone: "Europe/Berlin" });
      // 02:30 does not exist in Berlin on 2026-03-29 (clocks jump from 02:00 to 03:00).
      expect(response.body.fire_times).toEqual([
        "2026-03-28T01:30:00.000Z",
        "2026-03-30T00:30:00.000Z",
        "2026-03-31T00:30:00.000Z",
      ]);
      expect(response.body.dst_notes).toContainEqual(
        expect.objectContaining({ kind: "skipped", timezone: "Europe/Berlin" }),
      );
      expect(response.body.dst_notes[0]?.local_time).toContain("2026-03-29");
    });

    it("defaults to ten fire times from now and refuses bad input", async () => {
      const response = await stack.request<{ fire_times: string[] }>("POST", "/schedules/preview", {
        trigger: { type: "interval", start_at_utc: iso(Date.now()), every_seconds: 60 },
      });
      expect(response.status).toBe(200);
      expect(response.body.fire_times).toHaveLength(10);
      expect(Date.parse(response.body.fire_times[0]!)).toBeGreaterThan(Date.now() - 5_000);

      for (const body of [
        { trigger: { type: "interval", start_at_utc: iso(Date.now()), every_seconds: 0 } },
        { trigger: hourly(), count: 0 },
        { trigger: hourly(), count: 1001 },
        { trigger: hourly(), from: "yesterday" },
      ]) {
        const refused = await stack.request<ErrorBody>("POST", "/schedules/preview", body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.body.code).toBe("BAD_REQUEST");
      }
    });
  });

  it("documents the schedule routes in /openapi.json", async () => {
    const response = await stack.request<{ paths: Record<string, Record<string, unknown>> }>(
      "GET",
      "/openapi.json",
    );
    expect(response.status).toBe(200);
    for (const path of [
      "/schedules",
      "/schedules/preview",
      "/schedules/{id}",
      "/schedules/{id}/pause",
      "/schedules/{id}/resume",
      "/schedules/{id}/trigger",
      "/schedules/{id}/occurrences",
      "/schedule/tools",
      "/schedule/call",
    ]) {
      expect(response.body.paths[path], path).toBeDefined();
    }
    const create = JSON.stringify(response.body.paths["/schedules"]?.["post"]);
    expect(create).toContain("materialize_on_demand_session");
    expect(create).toContain("catch_up_within");
  });

  describe("horizon refills (the scheduler's planning)", () => {
    it("tops a horizon up once its replan time has come, once across concurrent planners", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 2 });
      const [first] = await occurrences(schedule.schedule_id);
      // As if the first one had been delivered, and the planner's time to look again had come.
      await stack.db.handle.pool.query(
        "update schedule_occurrences set phase = 'completed', completed_at = now() where id = $1",
        [first!.occurrence_id],
      );
      await stack.db.handle.pool.query("update schedules set replan_at = now() where id = $1", [
        schedule.schedule_id,
      ]);

      const now = new Date();
      const planned = await Promise.all([
        refillDueHorizons(stack.db.handle.db, { now }),
        refillDueHorizons(stack.db.handle.db, { now }),
      ]);
      expect(planned[0] + planned[1]).toBeGreaterThanOrEqual(1);

      const after = await occurrences(schedule.schedule_id);
      expect(after.map((o) => [o.occurrence_ordinal, o.phase])).toEqual([
        [0, "completed"],
        [1, "pending"],
        [2, "pending"],
      ]);
      expect(after[2]?.last_receipt).toMatchObject({ stage: "planned" });
      const { rows } = await stack.db.handle.pool.query<{ replan_at: Date }>(
        "select replan_at from schedules where id = $1",
        [schedule.schedule_id],
      );
      expect(rows[0]!.replan_at.getTime()).toBeGreaterThan(now.getTime());
    });

    it("leaves paused schedules alone", async () => {
      const schedule = await create({ trigger: hourly(), planning_horizon_occurrences: 1 });
      await stack.request("POST", `/schedules/${schedule.schedule_id}/pause`);
      await stack.db.handle.pool.query(
        "update schedule_occurrences set phase = 'completed' where schedule_id = $1",
        [schedule.schedule_id],
      );
      await stack.db.handle.pool.query("update schedules set replan_at = now() where id = $1", [
        schedule.schedule_id,
      ]);
      await refillDueHorizons(stack.db.handle.db, { now: new Date() });
      expect(await occurrences(schedule.schedule_id, "?include_terminal=false")).toEqual([]);
    });
  });

  describe("schedule tools over REST", () => {
    it("lists the eight tools with MCP-style input schemas", async () => {
      const response = await stack.request<{
        tools: { name: string; description: string; inputSchema: Record<string, unknown> }[];
      }>("GET", "/schedule/tools");
      expect(response.status).toBe(200);
      expect(response.body.tools.map((tool) => tool.name)).toEqual([
        "meerkat_schedule_create",
        "meerkat_schedule_get",
        "meerkat_schedule_list",
        "meerkat_schedule_update",
        "meerkat_schedule_pause",
        "meerkat_schedule_resume",
        "meerkat_schedule_delete",
        "meerkat_schedule_occurrences",
      ]);
      const createTool = response.body.tools[0]!;
      expect(createTool.inputSchema).toMatchObject({
        type: "object",
        additionalProperties: false,
        required: expect.arrayContaining([
          "trigger",
          "target",
          "misfire_policy",
          "overlap_policy",
          "missing_target_policy",
        ]) as unknown,
      });
    });

    it("calls tools and answers their raw results", async () => {
      const created = await stack.request<Schedule>("POST", "/schedule/call", {
        name: "meerkat_schedule_create",
        arguments: {
          name: "via tool call",
          trigger: hourly(),
          target: sessionTarget(),
          misfire_policy: { type: "skip" },
          overlap_policy: "skip_if_running",
          missing_target_policy: "mark_misfired",
          labels: { suite: "tool-call" },
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body).toMatchObject({ name: "via tool call", phase: "active", revision: 1 });
      const id = created.body.schedule_id;

      const got = await stack.request<Schedule>("POST", "/schedule/call", {
        name: "meerkat_schedule_get",
        arguments: { schedule_id: id },
      });
      expect(got.body).toEqual(created.body);

      const listed = await stack.request<{ schedules: Schedule[] }>("POST", "/schedule/call", {
        name: "meerkat_schedule_list",
      });
      expect(listed.status).toBe(200);
      expect(listed.body.schedules.map((s) => s.schedule_id)).toContain(id);

      const updated = await stack.request<Schedule>("POST", "/schedule/call", {
        name: "meerkat_schedule_update",
        arguments: { schedule_id: id, expected_revision: 1, overlap_policy: "allow_concurrent" },
      });
      expect(updated.body).toMatchObject({ revision: 2, overlap_policy: "allow_concurrent" });

      const occurrencesResult = await stack.request<{ occurrences: Occurrence[] }>(
        "POST",
        "/schedule/call",
        { name: "meerkat_schedule_occurrences", arguments: { schedule_id: id } },
      );
      expect(occurrencesResult.body.occurrences.length).toBeGreaterThan(0);

      for (const [name, phase] of [
        ["meerkat_schedule_pause", "paused"],
        ["meerkat_schedule_resume", "active"],
        ["meerkat_schedule_delete", "deleted"],
      ] as const) {
        const response = await stack.request<Schedule>("POST", "/schedule/call", {
          name,
          arguments: { schedule_id: id },
        });
        expect(response.status, name).toBe(200);
        expect(response.body.phase).toBe(phase);
      }
    });

    it("maps tool errors to 400 and 404", async () => {
      const cases: [Record<string, unknown>, number, string | RegExp][] = [
        [
          { name: "meerkat_schedule_dance" },
          400,
          /^Unknown schedule tool 'meerkat_schedule_dance'/,
        ],
        [
          { name: "meerkat_schedule_list", arguments: { everything: true } },
          400,
          /^Invalid arguments for meerkat_schedule_list: /,
        ],
        [
          {
            name: "meerkat_schedule_get",
            arguments: { schedule_id: "0190f5c2-0000-7000-8000-00000000f00d" },
          },
          404,
          "Schedule not found: 0190f5c2-0000-7000-8000-00000000f00d",
        ],
        [
          {
            name: "meerkat_schedule_create",
            arguments: {
              trigger: hourly(),
              target: { target_kind: "session", type: "current_session", action: prompt },
              misfire_policy: { type: "skip" },
              overlap_policy: "skip_if_running",
              missing_target_policy: "mark_misfired",
            },
          },
          400,
          /current_session target is only available to an agent inside a session/,
        ],
      ];
      for (const [body, status, message] of cases) {
        const response = await stack.request<ErrorBody>("POST", "/schedule/call", body);
        expect(response.status, JSON.stringify(body)).toBe(status);
        if (typeof message === "string") expect(response.body.error).toBe(message);
        else expect(response.body.error).toMatch(message);
      }
    });

    it("answers 501 on /schedule/call while schedule tools are disabled; the routes still work", async () => {
      const off = await stack.request("PATCH", "/config", { tools: { schedule_enabled: false } });
      expect(off.status).toBe(200);
      try {
        const call = await stack.request<ErrorBody>("POST", "/schedule/call", {
          name: "meerkat_schedule_list",
        });
        expect(call.status).toBe(501);
        expect(call.body.code).toBe("CAPABILITY_UNAVAILABLE");
        expect((await stack.request("GET", "/schedules")).status).toBe(200);
        expect((await stack.request("GET", "/schedule/tools")).status).toBe(200);
      } finally {
        const on = await stack.request("PATCH", "/config", { tools: { schedule_enabled: true } });
        expect(on.status).toBe(200);
      }
    });
  });
});
