import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

/**
 * Bad input on the schedule, input (webhook), comms and skills routes: each case is a request
 * that once got a 500, a non-contract error body, the wrong status, or changed stored state.
 * Every refusal asserts its exact status and code, and that nothing was written.
 */

interface ErrorBody {
  error: string;
  code: string;
}

const MODEL = "claude-haiku-4-5";
const SECRET = "bad-input-secret";
/** The longest realm id there is (64 characters): its session locators are 101 characters. */
const REALM = `bad-input-${"r".repeat(54)}`;
const JSON_TYPE = { "content-type": "application/json" };
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const nested = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

describe("bad input on schedules, inputs and comms", () => {
  let stack: Stack;
  let sessionId: string;
  /** Only ever sent refused requests, so nothing runs in it that could change its rows. */
  let quiet: string;
  let alpha: string;

  beforeAll(async () => {
    stack = await startStack({
      apis: 1,
      workers: 1,
      env: { RKAT_WEBHOOK_SECRET: SECRET, MEERKAT_REALM: REALM },
    });
    const create = async (body: Record<string, unknown>) => {
      const response = await stack.request<{ session_id: string }>("POST", "/sessions", {
        model: MODEL,
        ...body,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.session_id;
    };
    sessionId = await create({ prompt: "a session for bad input to target" });
    quiet = await create({ prompt: "a session that only gets refused requests" });
    alpha = await create({ prompt: "you are alpha", comms_name: "alpha" });
    await create({ prompt: "you are beta", comms_name: "beta" });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await stack.db.handle.pool.query<{ n: number }>(
      `select (${sql})::int as n`,
      params,
    );
    return rows[0]?.n ?? -1;
  }
  const scheduleRows = () =>
    count("select (select count(*) from schedules) + (select count(*) from schedule_occurrences)");
  /** Everything a request to a session's inbox could have written. */
  const inboxRows = (id: string) =>
    count(
      `select (select count(*) from session_inputs where session_id = $1)
            + (select count(*) from turns where session_id = $1)
            + (select count(*) from session_system_context where session_id = $1)`,
      [id],
    );

  const target = () => ({
    target_kind: "session",
    type: "resumable_session",
    session_id: sessionId,
    action: { type: "prompt", prompt: "check in" },
  });
  const hourly = () => ({
    type: "interval",
    start_at_utc: iso(Date.now() + HOUR),
    every_seconds: 3600,
  });

  function expectRefused(
    response: { status: number; body: unknown },
    status: number,
    code: string,
    error?: string | RegExp,
  ): void {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    const body = response.body as ErrorBody;
    expect(body.code).toBe(code);
    expect(typeof body.error).toBe("string");
    if (typeof error === "string") expect(body.error).toBe(error);
    else if (error) expect(body.error).toMatch(error);
  }

  /** POST to a session's webhook route, with the secret unless `headers` say otherwise. */
  function webhook(
    path: string,
    body: unknown,
    options: { headers?: Record<string, string> } = {},
  ) {
    return stack.request<ErrorBody>("POST", path, body, {
      headers: { "x-webhook-secret": SECRET, ...options.headers },
    });
  }
  function webhookRaw(path: string, rawBody: string, headers: Record<string, string> = {}) {
    return stack.request<ErrorBody>("POST", path, undefined, {
      rawBody,
      headers: { ...JSON_TYPE, "x-webhook-secret": SECRET, ...headers },
    });
  }

  describe("schedules", () => {
    it("refuses a catch-up window past ten years (it broke every scheduler tick), writing nothing", async () => {
      const before = await scheduleRows();
      const huge = { type: "catch_up_within", window_seconds: 1e15 };
      expectRefused(
        await stack.request("POST", "/schedules", {
          trigger: hourly(),
          target: target(),
          misfire_policy: huge,
        }),
        400,
        "BAD_REQUEST",
        /^Invalid request body: misfire_policy\.window_seconds: Too big/,
      );
      expectRefused(
        await stack.request("POST", "/schedule/call", {
          name: "meerkat_schedule_create",
          arguments: {
            trigger: hourly(),
            target: target(),
            misfire_policy: huge,
            overlap_policy: "skip_if_running",
            missing_target_policy: "skip",
          },
        }),
        400,
        "BAD_REQUEST",
        /^Invalid arguments for meerkat_schedule_create: misfire_policy\.window_seconds: Too big/,
      );
      expect(await scheduleRows()).toBe(before);

      // The longest window still fits; changing a schedule to a longer one changes nothing.
      const longest = { type: "catch_up_within", window_seconds: 3_650 * 86_400 };
      const created = await stack.request<{ schedule_id: string; revision: number }>(
        "POST",
        "/schedules",
        { trigger: hourly(), target: target(), misfire_policy: longest },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const path = `/schedules/${created.body.schedule_id}`;
      const stored = await stack.request("GET", path);
      expectRefused(
        await stack.request("PATCH", path, { misfire_policy: huge }),
        400,
        "BAD_REQUEST",
        /misfire_policy\.window_seconds: Too big/,
      );
      expect((await stack.request("GET", path)).body).toEqual(stored.body);
    });

    it("refuses a NUL in a label filter with 400, not a 500 from Postgres", async () => {
      for (const query of ["labels=team%00x=red", "label=team=re%00d"]) {
        expectRefused(
          await stack.request("GET", `/schedules?${query}`),
          400,
          "BAD_REQUEST",
          "label filter must not contain the NUL character (%00)",
        );
      }
    });

    it("refuses a time that an offset puts past year 9999 in UTC, writing nothing", async () => {
      const before = await scheduleRows();
      expectRefused(
        await stack.request("POST", "/schedules", {
          trigger: { type: "once", due_at_utc: "9999-12-31T23:30:00-01:00" },
          target: target(),
        }),
        400,
        "BAD_REQUEST",
        "invalid trigger: due_at_utc must fall in years 0000 to 9999 in UTC, got '9999-12-31T23:30:00-01:00'",
      );
      expect(await scheduleRows()).toBe(before);
    });

    it("previews no fire time past year 9999 (RFC 3339 has none)", async () => {
      const preview = await stack.request<{ fire_times: string[] }>("POST", "/schedules/preview", {
        trigger: { type: "interval", start_at_utc: "2026-01-01T00:00:00Z", every_seconds: 3600 },
        from: "9999-12-31T20:00:00Z",
        count: 5,
      });
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      expect(preview.body.fire_times).toEqual([
        "9999-12-31T21:00:00.000Z",
        "9999-12-31T22:00:00.000Z",
        "9999-12-31T23:00:00.000Z",
      ]);
    });

    it("refuses a materialize spec that POST /sessions would refuse, writing nothing", async () => {
      const materialize = (create: Record<string, unknown>) => ({
        trigger: hourly(),
        target: {
          target_kind: "session",
          type: "materialize_on_demand_session",
          create: { model: MODEL, ...create },
          action: { type: "prompt", prompt: "hello" },
        },
      });
      const before = await scheduleRows();
      const cases: [Record<string, unknown>, string][] = [
        [
          { provider: "bogus" },
          "invalid schedule: create.provider: unknown provider 'bogus' (expected anthropic, openai, gemini, self_hosted, other)",
        ],
        [
          { app_context: { "Meerkat.owner": "me" } },
          "invalid schedule: create.app_context key 'Meerkat.owner' is reserved for Meerkat",
        ],
        [{ keep_alive: true }, "invalid schedule: create.keep_alive requires create.comms_name"],
      ];
      for (const [create, message] of cases) {
        expectRefused(
          await stack.request("POST", "/schedules", materialize(create)),
          400,
          "BAD_REQUEST",
          message,
        );
      }
      expect(await scheduleRows()).toBe(before);
      // The reference's own spelling of OpenAI is a provider.
      const accepted = await stack.request(
        "POST",
        "/schedules",
        materialize({ model: "gpt-5.4-mini", provider: "open_a_i" }),
      );
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    });

    it("checks a materialize spec's output_schema when the schedule is made, not at delivery", async () => {
      const materialize = (create: Record<string, unknown>) => ({
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: MODEL, ...create },
        action: { type: "prompt", prompt: "report" },
      });
      const notCompiling = { type: "object", properties: { a: { type: "text" } } };
      const before = await scheduleRows();
      for (const create of [
        { output_schema: notCompiling },
        { output_schema_json: notCompiling },
        { output_schema: { schema: notCompiling, name: "report" } },
      ]) {
        expectRefused(
          await stack.request("POST", "/schedules", {
            trigger: hourly(),
            target: materialize(create),
          }),
          400,
          "BAD_REQUEST",
          /^invalid schedule: create\.output_schema(\.schema)?: not a valid JSON Schema: /,
        );
      }
      expectRefused(
        await stack.request("POST", "/schedules", {
          trigger: hourly(),
          target: materialize({ output_schema: { type: "array", items: {} } }),
        }),
        400,
        "BAD_REQUEST",
        'invalid schedule: create.output_schema: root must be a JSON object schema (type "object")',
      );
      // A strict-compat schema is judged for the provider the session will have (gpt-* → openai).
      const strict = {
        schema: {
          type: "object",
          properties: { code: { type: "string", pattern: "^[A-Z]{2}$" } },
          required: ["code"],
        },
        strict: true,
        compat: "strict",
      };
      expectRefused(
        await stack.request("POST", "/schedule/call", {
          name: "meerkat_schedule_create",
          arguments: {
            trigger: hourly(),
            target: materialize({ model: "gpt-5.4-mini", output_schema: strict }),
            misfire_policy: { type: "skip" },
            overlap_policy: "skip_if_running",
            missing_target_policy: "skip",
          },
        }),
        400,
        "BAD_REQUEST",
        /^invalid schedule: create\.output_schema: compat "strict" but openai cannot take the schema as is: .*pattern/,
      );
      expect(await scheduleRows()).toBe(before);

      // The same schema is fine for Anthropic; a PATCH to an unusable one changes nothing.
      const created = await stack.request<{ schedule_id: string }>("POST", "/schedules", {
        trigger: hourly(),
        target: materialize({ output_schema: strict }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const path = `/schedules/${created.body.schedule_id}`;
      const stored = await stack.request("GET", path);
      expectRefused(
        await stack.request("PATCH", path, {
          target: materialize({ output_schema: notCompiling }),
        }),
        400,
        "BAD_REQUEST",
        /^invalid schedule: create\.output_schema: not a valid JSON Schema: /,
      );
      expect((await stack.request("GET", path)).body).toEqual(stored.body);
    });

    it("refuses a client-supplied bound_session_id (the server sets it), writing nothing", async () => {
      const target = (extra: Record<string, unknown> = {}) => ({
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: MODEL },
        action: { type: "prompt", prompt: "hello" },
        ...extra,
      });
      const ownedByServer =
        "invalid schedule: target.bound_session_id is set by the server when the first delivery creates the session; omit it (use a resumable_session target to deliver to an existing session)";
      const before = await scheduleRows();
      // Even a live session of this realm: that is what resumable_session is for.
      for (const bound of [sessionId, "0190f5c2-0000-7000-8000-00000000dead", "x"]) {
        expectRefused(
          await stack.request("POST", "/schedules", {
            trigger: hourly(),
            target: target({ bound_session_id: bound }),
          }),
          400,
          "BAD_REQUEST",
          ownedByServer,
        );
      }
      expectRefused(
        await stack.request("POST", "/schedule/call", {
          name: "meerkat_schedule_create",
          arguments: {
            trigger: hourly(),
            target: target({ bound_session_id: sessionId }),
            misfire_policy: { type: "skip" },
            overlap_policy: "skip_if_running",
            missing_target_policy: "skip",
          },
        }),
        400,
        "BAD_REQUEST",
        ownedByServer,
      );
      expect(await scheduleRows()).toBe(before);

      // null is no binding; a schedule not bound yet refuses one on PATCH too.
      const created = await stack.request<{ schedule_id: string; target: unknown }>(
        "POST",
        "/schedules",
        { trigger: hourly(), target: target({ bound_session_id: null }) },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.target).toEqual(target());
      const path = `/schedules/${created.body.schedule_id}`;
      const stored = await stack.request("GET", path);
      expectRefused(
        await stack.request("PATCH", path, { target: target({ bound_session_id: sessionId }) }),
        400,
        "BAD_REQUEST",
        ownedByServer,
      );
      expect((await stack.request("GET", path)).body).toEqual(stored.body);
    });

    it("bounds labels as sessions do (64), on the schedule and on the session it creates", async () => {
      const labels = (n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
      const materialize = (create: Record<string, unknown>) => ({
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: MODEL, ...create },
        action: { type: "prompt", prompt: "hello" },
      });
      const tooMany = "at most 64 labels are allowed (got 65)";
      const before = await scheduleRows();
      const cases: [Record<string, unknown>, string][] = [
        [{ target: target(), labels: labels(65) }, `invalid schedule: labels: ${tooMany}`],
        [
          { target: materialize({ labels: labels(65) }) },
          `invalid schedule: create.labels: ${tooMany}`,
        ],
        [
          { target: materialize({ peer_meta: { labels: labels(65) } }) },
          `invalid schedule: create.peer_meta.labels: ${tooMany}`,
        ],
      ];
      for (const [body, message] of cases) {
        expectRefused(
          await stack.request("POST", "/schedules", { trigger: hourly(), ...body }),
          400,
          "BAD_REQUEST",
          message,
        );
      }
      expect(await scheduleRows()).toBe(before);

      const created = await stack.request<{ schedule_id: string }>("POST", "/schedules", {
        trigger: hourly(),
        target: materialize({ labels: labels(64) }),
        labels: labels(64),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const path = `/schedules/${created.body.schedule_id}`;
      const stored = await stack.request("GET", path);
      expectRefused(
        await stack.request("PATCH", path, { labels: labels(65) }),
        400,
        "BAD_REQUEST",
        `invalid schedule: labels: ${tooMany}`,
      );
      expect((await stack.request("GET", path)).body).toEqual(stored.body);
    });

    it("refuses bodies that cannot be stored (unpaired surrogates, deep nesting), writing nothing", async () => {
      const before = await scheduleRows();
      const body = JSON.stringify({ trigger: hourly(), target: target() }).slice(0, -1);
      const surrogate =
        "Request body must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff): it cannot be stored";
      // In a text column the surrogate was silently replaced with U+FFFD (a 200); in jsonb, a 500.
      for (const extra of [',"name":"n\\udc00"}', ',"labels":{"\\ud800":"x"}}']) {
        expectRefused(
          await stack.request("POST", "/schedules", undefined, {
            rawBody: body + extra,
            headers: JSON_TYPE,
          }),
          400,
          "BAD_REQUEST",
          surrogate,
        );
      }
      const deepEvent = JSON.stringify({
        trigger: hourly(),
        target: { ...target(), action: { type: "event", event_type: "deep", payload: "PAYLOAD" } },
      }).replace('"PAYLOAD"', nested(5000));
      expectRefused(
        await stack.request("POST", "/schedules", undefined, {
          rawBody: deepEvent,
          headers: JSON_TYPE,
        }),
        400,
        "BAD_REQUEST",
        "Request body is nested too deeply (more than 256 levels of objects and arrays)",
      );
      expect(await scheduleRows()).toBe(before);
    });

    it("answers bad paths with the contract's error body, not fastify's", async () => {
      expectRefused(
        await stack.request("GET", `/schedules/${"x".repeat(300)}`),
        400,
        "BAD_REQUEST",
        "Invalid request path: a path parameter is longer than 256 characters",
      );
      expectRefused(
        await stack.request("GET", "/schedules/%E0%A4%A/occurrences"),
        400,
        "BAD_REQUEST",
        "Invalid request path: bad percent-encoding",
      );
      // Past fastify's default limit (100) but a valid id shape: the usual 400 of a bad id.
      expectRefused(
        await stack.request("GET", `/schedules/${"y".repeat(150)}`),
        400,
        "BAD_REQUEST",
        `Invalid schedule id '${"y".repeat(150)}': expected a UUID`,
      );
    });
  });

  describe("inputs", () => {
    it("takes a locator of the longest realm id (101 characters) on the webhook routes", async () => {
      const locator = `${REALM}:${sessionId}`;
      expect(locator).toHaveLength(101);
      const posted = await webhook(`/sessions/${locator}/external-events`, { ping: 1 });
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const staged = await stack.request("POST", `/sessions/${locator}/system_context`, {
        text: "from a locator",
      });
      expect(staged.status, JSON.stringify(staged.body)).toBe(200);
    });

    it("refuses an external event without a body, queueing nothing and waking nothing", async () => {
      const before = await inboxRows(quiet);
      const path = `/sessions/${quiet}/external-events`;
      const required = "Request body is required: the event as JSON";
      expectRefused(await webhook(path, undefined), 400, "BAD_REQUEST", required);
      expectRefused(await webhookRaw(path, ""), 400, "BAD_REQUEST", required);
      expect(await inboxRows(quiet)).toBe(before);
      // A JSON null is JSON: a webhook event whose payload is null.
      const nullEvent = await webhookRaw(`/sessions/${sessionId}/external-events`, "null");
      expect(nullEvent.status, JSON.stringify(nullEvent.body)).toBe(202);
    });

    it("refuses idempotency keys too long for their index with 400, storing nothing", async () => {
      const before = await inboxRows(quiet);
      const long = randomBytes(3_000).toString("hex");
      const tooLong = (field: string) =>
        `${field} must be at most 256 characters (got ${long.length})`;
      expectRefused(
        await webhook(
          `/sessions/${quiet}/external-events`,
          { a: 1 },
          { headers: { "idempotency-key": long } },
        ),
        400,
        "BAD_REQUEST",
        tooLong("Idempotency-Key"),
      );
      expectRefused(
        await webhook(`/sessions/${quiet}/external-events`, {
          kind: "generic_json",
          event_type: "ci",
          payload: {},
          source_event_id: long,
        }),
        400,
        "BAD_REQUEST",
        tooLong("source_event_id"),
      );
      expectRefused(
        await webhook(
          `/sessions/${quiet}/peer-response-terminal`,
          {
            peer_id: "00000000-0000-4000-8000-000000000161",
            request_id: "00000000-0000-4000-8000-000000000162",
            status: "completed",
            result: {},
          },
          { headers: { "idempotency-key": long } },
        ),
        400,
        "BAD_REQUEST",
        tooLong("Idempotency-Key"),
      );
      expectRefused(
        await stack.request("POST", `/sessions/${quiet}/system_context`, {
          text: "context",
          idempotency_key: long,
        }),
        400,
        "BAD_REQUEST",
        /^Invalid request body: idempotency_key: Too big/,
      );
      expect(await inboxRows(quiet)).toBe(before);

      // 256 characters is still a key: the same key again is acknowledged, not queued twice.
      const key = "k".repeat(256);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const posted = await webhook(
          `/sessions/${sessionId}/external-events`,
          { attempt },
          { headers: { "idempotency-key": key } },
        );
        expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      }
      expect(
        await count("select count(*) from session_inputs where idempotency_key = $1", [key]),
      ).toBe(1);
    });

    it("refuses envelope blocks that are not content blocks, naming the element, queueing nothing", async () => {
      const before = await inboxRows(quiet);
      const path = `/sessions/${quiet}/external-events`;
      const event = (blocks: unknown) => ({
        kind: "generic_json",
        event_type: "ci",
        payload: { build: 7 },
        blocks,
      });
      const cases: [unknown, string][] = [
        ["see attached", "blocks must be an array of content blocks"],
        [[{ type: "text", text: "ok" }, 7], "blocks[1]: expected a content block object"],
        [[{ type: "file", name: "x" }], 'blocks[0].type: expected "text", "image" or "video"'],
        [[{ type: "text", text: { rich: true } }], "blocks[0].text: expected a string"],
        [
          [{ type: "image", media_type: "image/png", source: "url", url: "https://x" }],
          'blocks[0].source: expected "inline" or "blob"',
        ],
        [
          [{ type: "image", media_type: "image/png", source: "blob" }],
          "blocks[0].blob_id: expected a non-empty string",
        ],
        [
          [{ type: "video", media_type: "video/mp4", source: "inline", data: "AAAA" }],
          "blocks[0].duration_ms: expected a non-negative integer (milliseconds)",
        ],
      ];
      for (const [blocks, message] of cases) {
        expectRefused(await webhook(path, event(blocks)), 400, "BAD_REQUEST", message);
      }
      expect(await inboxRows(quiet)).toBe(before);
      // Every kind of the contract's ContentBlock is taken.
      const accepted = await webhook(
        `/sessions/${sessionId}/external-events`,
        event([
          { type: "text", text: "build 7 failed" },
          { type: "image", media_type: "image/png", source: "inline", data: "iVBORw0KGgo=" },
          { type: "image", media_type: "image/png", source: "blob", blob_id: "blob-7" },
          {
            type: "video",
            media_type: "video/mp4",
            source: "inline",
            data: "AAAA",
            duration_ms: 1200,
          },
        ]),
      );
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    });

    it("refuses a source_event_id that is not a string rather than ignoring it", async () => {
      const before = await inboxRows(quiet);
      const path = `/sessions/${quiet}/external-events`;
      const event = (extra: Record<string, unknown>) => ({
        kind: "generic_json",
        event_type: "ci",
        payload: {},
        ...extra,
      });
      for (const id of [42, true, { id: "build-7" }, ["build-7"]]) {
        expectRefused(
          await webhook(path, event({ source_event_id: id })),
          400,
          "BAD_REQUEST",
          "source_event_id must be a string",
        );
        expectRefused(
          await webhook(path, event({ event_id: id })),
          400,
          "BAD_REQUEST",
          "event_id must be a string",
        );
      }
      expect(await inboxRows(quiet)).toBe(before);
      // A string id still deduplicates: the second delivery is acknowledged, not queued.
      const key = `build-${randomBytes(4).toString("hex")}`;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const posted = await webhook(
          `/sessions/${sessionId}/external-events`,
          event({ source_event_id: key }),
        );
        expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      }
      expect(
        await count("select count(*) from session_inputs where idempotency_key = $1", [key]),
      ).toBe(1);
    });

    it("checks the webhook secret before the body: a caller without it gets 401", async () => {
      const before = await inboxRows(quiet);
      const unauthorized = { error: "invalid webhook secret", code: "UNAUTHORIZED" };
      const attempts: Record<string, string>[] = [{}, { "x-webhook-secret": "wrong" }];
      for (const headers of attempts) {
        const terminal = await stack.request(
          "POST",
          `/sessions/${quiet}/peer-response-terminal`,
          { peer_id: "not-a-uuid" },
          { headers },
        );
        expect(terminal.status).toBe(401);
        expect(terminal.body).toEqual(unauthorized);
        const malformed = await stack.request(
          "POST",
          `/sessions/${quiet}/external-events`,
          undefined,
          { rawBody: "{oops", headers: { ...JSON_TYPE, ...headers } },
        );
        expect(malformed.status).toBe(401);
        expect(malformed.body).toEqual(unauthorized);
      }
      expect(await inboxRows(quiet)).toBe(before);
    });

    it("refuses bodies that cannot be stored with 400, storing nothing", async () => {
      const before = await inboxRows(quiet);
      const events = `/sessions/${quiet}/external-events`;
      const surrogate =
        "Request body must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff): it cannot be stored";
      expectRefused(await webhookRaw(events, '{"alert":"\\ud800"}'), 400, "BAD_REQUEST", surrogate);
      // Stored in a text column, the surrogate used to be replaced silently (a 200).
      expectRefused(
        await stack.request("POST", `/sessions/${quiet}/system_context`, undefined, {
          rawBody: '{"text":"plan \\udfff"}',
          headers: JSON_TYPE,
        }),
        400,
        "BAD_REQUEST",
        surrogate,
      );
      const tooDeep =
        "Request body is nested too deeply (more than 256 levels of objects and arrays)";
      expectRefused(await webhookRaw(events, nested(5000)), 400, "BAD_REQUEST", tooDeep);
      expectRefused(
        await webhookRaw(events, "[".repeat(100_000) + "]".repeat(100_000)),
        400,
        "BAD_REQUEST",
        tooDeep,
      );
      expectRefused(await webhookRaw(events, nested(257)), 400, "BAD_REQUEST", tooDeep);
      expect(await inboxRows(quiet)).toBe(before);
      // A properly paired surrogate (an emoji) and 256 levels are fine.
      const accepted = `/sessions/${sessionId}/external-events`;
      expect((await webhookRaw(accepted, '{"mood":"\\ud83d\\ude00"}')).status).toBe(202);
      expect((await webhookRaw(accepted, nested(256))).status).toBe(202);
    });
  });

  describe("comms", () => {
    it("refuses deeply nested params with 400 and delivers nothing", async () => {
      const before = await count("select count(*) from session_inputs");
      const response = await stack.request<ErrorBody>("POST", "/comms/send", undefined, {
        rawBody: `{"kind":"peer_request","session_id":"${alpha}","to":"beta","intent":"x","params":${nested(5000)}}`,
        headers: JSON_TYPE,
      });
      expectRefused(
        response,
        400,
        "BAD_REQUEST",
        "Request body is nested too deeply (more than 256 levels of objects and arrays)",
      );
      expect(await count("select count(*) from session_inputs")).toBe(before);
    });
  });
});
