import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

/**
 * Bad input on the session, config, host, realm, request and help routes: each case is a
 * request that once got a 500, the wrong status or a wrong answer, or changed stored state.
 * Every refusal asserts its exact status and code, and, where it could write, that it did not.
 */

interface ErrorBody {
  error: string;
  code: string;
}
interface SessionList {
  sessions: { session_id: string; labels?: Record<string, string> }[];
}
interface ConfigEnvelope {
  generation: number;
  config: { retry: Record<string, unknown>; tools: Record<string, unknown> };
}

const MODEL = "claude-haiku-4-5";
/** The longest realm id there is (64 characters): its session locators are 101 characters. */
const REALM = `bad-input-sessions-${"r".repeat(45)}`;
const JSON_TYPE = { "content-type": "application/json" };
/** The API's body limit in this file, so an oversized body stays cheap to send. */
const BODY_LIMIT = 256 * 1024;

describe("bad input on the session, config and host routes", () => {
  let stack: Stack;
  let sessionId: string;
  let otherId: string;

  beforeAll(async () => {
    stack = await startStack({
      apis: 1,
      workers: 1,
      env: { MEERKAT_REALM: REALM, API_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
    });
    const create = async (labels: Record<string, string>) => {
      const response = await stack.request<{ session_id: string }>("POST", "/sessions", {
        model: MODEL,
        prompt: "a session for bad input to target",
        labels,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.session_id;
    };
    sessionId = await create({ env: "alpha", team: "red" });
    otherId = await create({ env: "beta", team: "red" });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function count(sql: string): Promise<number> {
    const { rows } = await stack.db.handle.pool.query<{ n: number }>(`select (${sql})::int as n`);
    return rows[0]?.n ?? -1;
  }
  /** Everything a refused create or continue could have written. */
  const sessionRows = () =>
    count(
      "select (select count(*) from sessions) + (select count(*) from turns) + (select count(*) from messages)",
    );
  const generation = async () =>
    (await stack.request<ConfigEnvelope>("GET", "/config")).body.generation;

  function expectError(
    response: { status: number; body: unknown; headers: Headers },
    status: number,
    code: string,
  ): ErrorBody {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = response.body as ErrorBody;
    expect(body).toMatchObject({ code, error: expect.any(String) as unknown });
    return body;
  }

  /** A GET that may open an event stream: bounded, so a stream that should not open fails. */
  async function getOnce(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(`${stack.api.url}${path}`, {
      headers,
      signal: AbortSignal.timeout(5_000),
    });
    if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
      await response.body?.cancel();
      return { status: response.status, body: "<event stream>", headers: response.headers };
    }
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  describe("GET /sessions label filters", () => {
    it("a __proto__ label filter matches no session (it was dropped, listing every session)", async () => {
      const response = await stack.request<SessionList>("GET", "/sessions?label=__proto__=x");
      expect(response.status).toBe(200);
      expect(response.body.sessions).toEqual([]);
    });

    it("two values for one key match no session (the last one used to win)", async () => {
      const response = await stack.request<SessionList>(
        "GET",
        "/sessions?label=env=alpha&label=env=beta",
      );
      expect(response.status).toBe(200);
      expect(response.body.sessions).toEqual([]);
      // The same pair twice is one filter.
      const same = await stack.request<SessionList>(
        "GET",
        "/sessions?label=env=beta&label=env=beta&label=team=red",
      );
      expect(same.body.sessions.map((s) => s.session_id)).toEqual([otherId]);
    });

    it.each(["/sessions?label=env=%00", "/sessions?label=%00=x"])(
      "GET %s → 400 (was a 500 from Postgres)",
      async (path) => {
        const body = expectError(await stack.request("GET", path), 400, "BAD_REQUEST");
        expect(body.error).toContain("label filter");
      },
    );
  });

  describe("integer query parameters are decimal integers, given once", () => {
    it.each([
      ["/sessions?limit=0x5", "limit"],
      ["/sessions?limit=1e1", "limit"],
      ["/sessions?limit=%2B5", "limit"],
      ["/sessions?offset=", "offset"],
      ["/sessions?limit=1&limit=2", "limit"],
    ])("GET %s → 400", async (path, field) => {
      const body = expectError(await stack.request("GET", path), 400, "BAD_REQUEST");
      expect(body.error).toContain(field);
    });

    it("history refuses the same forms and still pages with plain integers", async () => {
      for (const query of ["limit=1e1", "offset=0x1", "limit="]) {
        expectError(
          await stack.request("GET", `/sessions/${sessionId}/history?${query}`),
          400,
          "BAD_REQUEST",
        );
      }
      const page = await stack.request<{ offset: number; limit: number; messages: unknown[] }>(
        "GET",
        `/sessions/${sessionId}/history?offset=01&limit=1`,
      );
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ offset: 1, limit: 1 });
      expect(page.body.messages).toHaveLength(1);
    });

    it("an empty ?after= is refused rather than read as 0 (a replay from the start)", async () => {
      for (const query of ["after=", "after=1e1", "after=0x1"]) {
        expectError(await getOnce(`/sessions/${sessionId}/events?${query}`), 400, "BAD_REQUEST");
      }
    });
  });

  describe("GET /sessions/{id}/events Last-Event-ID", () => {
    it.each(["99999999999999999999", "9007199254740993"])(
      "Last-Event-ID %s past the largest safe integer → 400, like ?after=",
      async (cursor) => {
        const body = expectError(
          await getOnce(`/sessions/${sessionId}/events`, { "last-event-id": cursor }),
          400,
          "BAD_REQUEST",
        );
        expect(body.error).toContain("Last-Event-ID");
      },
    );

    it("a cursor at the largest safe integer still opens the stream", async () => {
      const response = await getOnce(`/sessions/${sessionId}/events`, {
        "last-event-id": String(Number.MAX_SAFE_INTEGER),
      });
      expect(response.status).toBe(200);
      expect(response.body).toBe("<event stream>");
    });
  });

  describe("GET /realms/{id} and POST /requests/{id}/cancel", () => {
    it.each(["/realms/%00", "/realms/a%20b", "/realms/-leading-dash"])(
      "GET %s (not a realm id) → 400 (the NUL one was a 500)",
      async (path) => {
        const body = expectError(await stack.request("GET", path), 400, "BAD_REQUEST");
        expect(body.error).toContain("Invalid realm id");
      },
    );

    it("GET /realms/{unknown} stays 404, /realms/{this realm} 200", async () => {
      expectError(await stack.request("GET", "/realms/unknown"), 404, "NOT_FOUND");
      expect((await stack.request("GET", `/realms/${REALM}`)).status).toBe(200);
    });

    it("POST /requests/%00/cancel → 404 (was a 500 from Postgres)", async () => {
      const body = expectError(
        await stack.request("POST", "/requests/%00/cancel"),
        404,
        "NOT_FOUND",
      );
      expect(body.error).toContain("request not found");
    });
  });

  describe("PUT and PATCH /config refuse waits the runtime cannot honour", () => {
    it.each([
      ["PATCH", { retry: { call_timeout: "25d" } }, "retry.call_timeout"],
      ["PATCH", { tools: { default_timeout: 2_147_483_648 } }, "tools.default_timeout"],
      ["PATCH", { tools: { tool_timeouts: { shell: "30d" } } }, "tools.tool_timeouts.shell"],
      ["PATCH", { shell: { timeout_secs: 3_000_000 } }, "shell.timeout_secs"],
      ["PATCH", { hooks: { default_timeout_ms: 3_000_000_000 } }, "hooks.default_timeout_ms"],
      ["PATCH", { events: { retention: "1000000000d" } }, "events.retention"],
      ["PUT", { config: { retry: { max_delay: "90d" } } }, "retry.max_delay"],
    ] as const)("%s %j → 400, config unchanged", async (method, body, field) => {
      const before = await generation();
      const response = await stack.request<ErrorBody>(method, "/config", body);
      const error = expectError(response, 400, "BAD_REQUEST");
      expect(error.error).toContain(`Invalid config: ${field}: must be at most`);
      expect(await generation()).toBe(before);
    });

    it("PATCH takes RFC 7396's own media type, application/merge-patch+json", async () => {
      const before = await generation();
      const response = await stack.request<ConfigEnvelope>(
        "PATCH",
        "/config",
        { retry: { initial_delay: "750ms" } },
        { headers: { "content-type": "application/merge-patch+json" } },
      );
      expect(response.status, response.text).toBe(200);
      expect(response.body.config.retry["initial_delay"]).toBe("750ms");
      expect(response.body.generation).toBe(before + 1);
      // Still JSON only: another media type is refused.
      const xml = await stack.request<ErrorBody>("PATCH", "/config", undefined, {
        headers: { "content-type": "application/xml" },
        rawBody: "<retry/>",
      });
      expect(xml.status).toBe(400);
      expect(xml.body.code).toBe("BAD_REQUEST");
    });

    it("a call timeout at the limit is kept, and turns still run under it", async () => {
      const set = await stack.request<ConfigEnvelope>("PATCH", "/config", {
        retry: { call_timeout: "24d" },
      });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body.config.retry["call_timeout"]).toBe("24d");
      const turn = await stack.request<{ text: string }>(
        "POST",
        `/sessions/${sessionId}/messages`,
        {
          session_id: sessionId,
          prompt: "still answering",
        },
      );
      expect(turn.status, JSON.stringify(turn.body)).toBe(200);
      const reset = await stack.request("PATCH", "/config", { retry: { call_timeout: null } });
      expect(reset.status).toBe(200);
    });
  });

  describe("labels are bounded in number (64), not only by the body limit", () => {
    const labels = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

    it("a create or continue with 65 labels → 400 naming the field, nothing written", async () => {
      const rows = await sessionRows();
      const tooMany = "at most 64 labels are allowed (got 65)";
      const create = (body: Record<string, unknown>) =>
        stack.request("POST", "/sessions", { model: MODEL, prompt: "x", ...body });
      expect(expectError(await create({ labels: labels(65) }), 400, "BAD_REQUEST").error).toBe(
        `labels: ${tooMany}`,
      );
      expect(
        expectError(
          await create({ peer_meta: { labels: labels(65) }, comms_name: "many" }),
          400,
          "BAD_REQUEST",
        ).error,
      ).toBe(`peer_meta.labels: ${tooMany}`);
      expect(
        expectError(
          await stack.request("POST", `/sessions/${sessionId}/messages`, {
            session_id: sessionId,
            prompt: "x",
            peer_meta: { labels: labels(65) },
          }),
          400,
          "BAD_REQUEST",
        ).error,
      ).toBe(`peer_meta.labels: ${tooMany}`);
      expect(await sessionRows()).toBe(rows);
    });

    it("64 labels are kept", async () => {
      const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
        model: MODEL,
        prompt: "many labels",
        labels: labels(64),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const read = await stack.request<{ labels: Record<string, string> }>(
        "GET",
        `/sessions/${created.body.session_id}`,
      );
      expect(read.body.labels).toEqual(labels(64));
    });
  });

  describe("body and path checks every route shares (app.ts), on these routes", () => {
    it.each([
      ["POST", "/sessions", `{"model":"${MODEL}","prompt":"x\\ud800y"}`],
      ["POST", "/sessions", `{"model":"${MODEL}","prompt":"x","labels":{"a":"\\udc00"}}`],
      ["POST", "/help", '{"question":"x\\ud800"}'],
      ["PUT", "/config", '{"config":{"agent":{"model":"\\ud800"}}}'],
    ])(
      "%s %s with an unpaired surrogate → 400 (was a 500 from jsonb)",
      async (method, path, raw) => {
        const rows = await sessionRows();
        const before = await generation();
        const body = expectError(
          await stack.request(method, path, undefined, { rawBody: raw, headers: JSON_TYPE }),
          400,
          "BAD_REQUEST",
        );
        expect(body.error).toContain("surrogate");
        expect(await sessionRows()).toBe(rows);
        expect(await generation()).toBe(before);
      },
    );

    it("a continue with an unpaired surrogate writes nothing", async () => {
      const rows = await sessionRows();
      const raw = `{"session_id":"${sessionId}","prompt":"x\\ud800"}`;
      expectError(
        await stack.request("POST", `/sessions/${sessionId}/messages`, undefined, {
          rawBody: raw,
          headers: JSON_TYPE,
        }),
        400,
        "BAD_REQUEST",
      );
      expect(await sessionRows()).toBe(rows);
    });

    it.each([
      [
        "POST",
        "/sessions",
        (deep: string) => `{"model":"${MODEL}","prompt":"x","app_context":${deep}}`,
      ],
      ["PATCH", "/config", (deep: string) => `{"agent":{"provider_params":${deep}}}`],
    ])(
      "%s %s nested thousands deep → 400 (was a stack overflow, 500)",
      async (method, path, make) => {
        const rows = await sessionRows();
        const before = await generation();
        const deep = '{"a":'.repeat(5_000) + "1" + "}".repeat(5_000);
        const body = expectError(
          await stack.request(method, path, undefined, { rawBody: make(deep), headers: JSON_TYPE }),
          400,
          "BAD_REQUEST",
        );
        expect(body.error).toContain("nested too deeply");
        expect(await sessionRows()).toBe(rows);
        expect(await generation()).toBe(before);
      },
    );

    it.each(["/sessions/%FF", "/sessions/%", "/sessions/%E0%A4%A/history"])(
      "GET %s (bad percent-encoding) → 400 with the contract's body",
      async (path) => {
        expectError(await stack.request("GET", path), 400, "BAD_REQUEST");
      },
    );

    it("a 101-character locator of this realm reaches the session (it was a 414)", async () => {
      const locator = `${REALM}:${sessionId}`;
      expect(locator).toHaveLength(101);
      const details = await stack.request<{ session_id: string }>("GET", `/sessions/${locator}`);
      expect(details.status, JSON.stringify(details.body)).toBe(200);
      expect(details.body.session_id).toBe(sessionId);
      const foreign = `${"o".repeat(64)}:${sessionId}`;
      const body = expectError(
        await stack.request("GET", `/sessions/${foreign}/status`),
        400,
        "BAD_REQUEST",
      );
      expect(body.error).toContain("does not match active realm");
    });

    /** Sends raw bytes on a fresh connection and reads everything until the server closes it. */
    async function raw(request: string): Promise<{ status: number; body: ErrorBody }> {
      const { hostname, port } = new URL(stack.api.url);
      const socket = connect(Number(port), hostname);
      socket.end(request);
      let text = "";
      for await (const chunk of socket) text += String(chunk);
      const [head = "", body = ""] = text.split("\r\n\r\n");
      expect(head).toMatch(/content-type: application\/json/i);
      return { status: Number(head.split(" ")[1]), body: JSON.parse(body) as ErrorBody };
    }

    it("a request the HTTP parser refuses still gets the contract's body", async () => {
      const malformed = await raw("GET /sessions HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe("BAD_REQUEST");
      const huge = await raw(
        `GET /sessions HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(20_000)}\r\n\r\n`,
      );
      expect(huge.status).toBe(431);
      expect(huge.body.code).toBe("REQUEST_HEADERS_TOO_LARGE");
    });

    it("a body over the limit → 413 with the contract's body, nothing written", async () => {
      const rows = await sessionRows();
      const before = await generation();
      const big = "a".repeat(BODY_LIMIT + 1);
      expectError(
        await stack.request("POST", "/sessions", { model: MODEL, prompt: big }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
      expectError(
        await stack.request("PUT", "/config", { agent: { system_prompt: big } }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
      expect(await sessionRows()).toBe(rows);
      expect(await generation()).toBe(before);
    });
  });
});
