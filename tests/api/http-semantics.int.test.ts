import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import type { ApiProcess } from "../support/processes.js";
import { startStack, type Stack } from "../support/stack.js";

/**
 * HTTP-level semantics of the API: 405 with `Allow` for a wrong method on an existing path,
 * 415 for request bodies the server cannot read as sent, and X-Meerkat-Request-Id values that
 * POST /requests/{id}/cancel could never name refused at submission. Every refusal asserts its
 * status, code and headers, and that it wrote nothing.
 */

interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}
interface Sent {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

const MODEL = "claude-haiku-4-5";
const API_KEY = "http-semantics-key";

/** A header value carrying `text` as UTF-8 bytes (fetch sends a string's code units as bytes). */
const utf8Header = (text: string) => Buffer.from(text, "utf8").toString("latin1");

describe("HTTP semantics", () => {
  let stack: Stack;
  let keyed: ApiProcess;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
    keyed = await stack.startApi({ MEERKAT_API_KEYS: API_KEY });
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      model: MODEL,
      prompt: "a session for the HTTP semantics tests",
    });
    expect(created.status, created.text).toBe(200);
    sessionId = created.body.session_id;
  });
  afterAll(async () => {
    await stack.close();
  });

  async function send(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string | Buffer; api?: ApiProcess } = {},
  ): Promise<Sent> {
    const response = await fetch(`${(options.api ?? stack.api).url}${path}`, {
      method,
      headers: options.headers ?? {},
      body: options.body ?? null,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  function expectError(response: Sent, status: number, code: string): ErrorBody {
    expect(response.status, response.text).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = response.body as ErrorBody;
    expect(body).toMatchObject({ code, error: expect.any(String) as unknown });
    return body;
  }

  async function count(sql: string): Promise<number> {
    const { rows } = await stack.db.handle.pool.query<{ n: number }>(`select (${sql})::int as n`);
    return rows[0]?.n ?? -1;
  }
  /** Everything a refused request could have written, and the provider calls it could have made. */
  const written = async () => ({
    rows: await count(
      `select (select count(*) from sessions) + (select count(*) from turns)
        + (select count(*) from messages) + (select count(*) from requests)
        + (select count(*) from session_inputs)`,
    ),
    providerCalls: stack.fake.requests().length,
  });
  const generation = async () =>
    (await stack.request<{ generation: number }>("GET", "/config")).body.generation;

  describe("a wrong method on an existing path is 405 with Allow", () => {
    it.each([
      ["PUT", "/sessions", "GET, HEAD, POST"],
      ["DELETE", "/health", "GET, HEAD"],
      ["OPTIONS", "/config", "GET, HEAD, PUT, PATCH"],
      ["POST", "/schedules/0190f5c2-0000-7000-8000-00000000beef", "GET, HEAD, PATCH, DELETE"],
      ["GET", "/schedules/x/pause", "POST"],
      ["PUT", "/sessions/x/events", "GET, HEAD"],
      ["GET", "/requests/req-1/cancel", "POST"],
      ["DELETE", "/openapi.json", "GET, HEAD"],
    ])("%s %s → 405, Allow: %s", async (method, path, allow) => {
      const response = await send(method, path);
      const body = expectError(response, 405, "METHOD_NOT_ALLOWED");
      expect(response.headers.get("allow")).toBe(allow);
      expect(body.error).toBe(`Method not allowed: ${method} ${path}`);
      expect(body.details).toEqual({ allow: allow.split(", ") });
    });

    it("HEAD on a POST-only path → 405 with Allow and no body", async () => {
      const response = await send("HEAD", "/requests/req-1/cancel");
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(response.text).toBe("");
    });

    it("matches paths as the router does: real ids, percent-encoded segments, parameters", async () => {
      const locator = encodeURIComponent(`${stack.realm}:${sessionId}`);
      for (const [method, path, allow] of [
        ["POST", `/sessions/${sessionId}`, "GET, HEAD, DELETE"],
        ["PUT", `/sessions/${locator}/status`, "GET, HEAD"],
        ["PUT", "/session%73", "GET, HEAD, POST"],
        ["GET", `/requests/${encodeURIComponent("a/b c?d#e%f")}/cancel`, "POST"],
        ["DELETE", `/sessions/${encodeURIComponent("é✓")}/history`, "GET, HEAD"],
        ["GET", "/sessions/x/messages?prompt=1", "POST"],
      ]) {
        const response = await send(method!, path!);
        expectError(response, 405, "METHOD_NOT_ALLOWED");
        expect(response.headers.get("allow"), `${method} ${path}`).toBe(allow);
      }
    });

    it("covers the prefixed docs routes, their trailing-slash alias and wildcard", async () => {
      for (const path of ["/docs", "/docs/", "/docs/static/index.html"]) {
        expect((await send("GET", path)).status, path).toBe(200);
        const response = await send("POST", path);
        expectError(response, 405, "METHOD_NOT_ALLOWED");
        expect(response.headers.get("allow")).toBe("GET, HEAD");
      }
    });

    it("unknown paths stay 404, and so does a 404 a route answers itself", async () => {
      for (const [method, path] of [
        ["PUT", "/nope"],
        ["GET", "/sessions/x/nope"],
        ["POST", "/sessions/x/status/extra"],
        ["DELETE", "/Sessions"],
        // A missing static file: the docs route exists for GET and answers 404 itself.
        ["GET", "/docs/static/missing.js"],
        // Too long for the router's parameter: not routable, so not a 405.
        ["OPTIONS", `/requests/${"a".repeat(300)}/cancel`],
      ]) {
        const response = await send(method!, path!);
        expectError(response, 404, "NOT_FOUND");
        expect(response.headers.get("allow"), `${method} ${path}`).toBeNull();
      }
    });

    it("leaves existing routes as they were", async () => {
      expect((await send("GET", "/session%73")).status).toBe(200);
      expect((await send("HEAD", "/health")).status).toBe(200);
      expect((await send("GET", `/sessions/${sessionId}/status`)).status).toBe(200);
      // A bad percent-encoding is still a 400, whatever the method.
      expectError(await send("PUT", "/requests/%zz/cancel"), 400, "BAD_REQUEST");
    });

    it("is decided before the body is read, and writes nothing", async () => {
      const before = await written();
      const valid = await send("PUT", "/sessions", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, prompt: "never run" }),
      });
      expectError(valid, 405, "METHOD_NOT_ALLOWED");
      const malformed = await send("PATCH", "/sessions", {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: "{not json",
      });
      expectError(malformed, 405, "METHOD_NOT_ALLOWED");
      expect(await written()).toEqual(before);
    });

    it("comes after authentication: without a key it is 401, with one 405", async () => {
      expectError(await send("PUT", "/sessions", { api: keyed }), 401, "UNAUTHORIZED");
      const response = await send("PUT", "/sessions", {
        api: keyed,
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expectError(response, 405, "METHOD_NOT_ALLOWED");
      expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
    });
  });

  describe("request bodies the server cannot read are 415", () => {
    const createBody = JSON.stringify({ model: MODEL, prompt: "must not run" });

    it.each([
      ["gzip", gzipSync(createBody)],
      ["gzip", Buffer.from(createBody)],
      ["br", Buffer.from(createBody)],
      ["identity, gzip", Buffer.from(createBody)],
    ])(
      "POST /sessions with Content-Encoding: %s → 415, Accept-Encoding: identity",
      async (coding, payload) => {
        const before = await written();
        const response = await send("POST", "/sessions", {
          headers: { "content-type": "application/json", "content-encoding": coding },
          body: payload,
        });
        const body = expectError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
        expect(body.error).toContain("Content-Encoding");
        expect(response.headers.get("accept-encoding")).toBe("identity");
        expect(await written()).toEqual(before);
      },
    );

    it("on every body route: config and inputs change nothing", async () => {
      const before = await written();
      const gen = await generation();
      const headers = { "content-type": "application/json", "content-encoding": "deflate" };
      for (const [method, path, body] of [
        ["PATCH", "/config", { retry: { initial_delay: "900ms" } }],
        ["POST", `/sessions/${sessionId}/external-events`, { alert: "x" }],
        ["POST", `/sessions/${sessionId}/messages`, { session_id: sessionId, prompt: "x" }],
      ] as const) {
        const response = await send(method, path, { headers, body: JSON.stringify(body) });
        expectError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
      }
      expect(await generation()).toBe(gen);
      expect(await written()).toEqual(before);
    });

    it.each([
      ["application/json; charset=utf-16", Buffer.from(createBody, "utf16le")],
      ["application/json; charset=UTF-16LE", Buffer.from(createBody, "utf16le")],
      ["application/json;charset=iso-8859-1", Buffer.from(createBody, "latin1")],
      ['application/json; charset="windows-1252"', Buffer.from(createBody, "latin1")],
    ])("POST /sessions as %s → 415", async (contentType, payload) => {
      const before = await written();
      const response = await send("POST", "/sessions", {
        headers: { "content-type": contentType },
        body: payload,
      });
      const body = expectError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
      expect(body.error).toContain("must be UTF-8");
      expect(await written()).toEqual(before);
    });

    it("a +json body declaring another charset → 415, config unchanged", async () => {
      const gen = await generation();
      const response = await send("PATCH", "/config", {
        headers: { "content-type": "application/merge-patch+json; charset=utf-16" },
        body: Buffer.from(JSON.stringify({ retry: { initial_delay: "800ms" } }), "utf16le"),
      });
      expectError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
      expect(await generation()).toBe(gen);
    });

    it("JSON, UTF-8 in any spelling, +json and identity keep working", async () => {
      for (const [contentType, extra] of [
        ["application/json", {}],
        ["application/json; charset=utf-8", {}],
        ["application/json; charset=UTF-8", {}],
        ['application/json;charset="Utf-8"', {}],
        ["application/merge-patch+json", {}],
        ["application/merge-patch+json; charset=utf-8", { "content-encoding": "identity" }],
      ] as const) {
        const gen = await generation();
        const response = await send("PATCH", "/config", {
          headers: { "content-type": contentType, ...extra },
          body: JSON.stringify({ retry: { initial_delay: "750ms" } }),
        });
        expect(response.status, `${contentType}: ${response.text}`).toBe(200);
        expect(await generation()).toBe(gen + 1);
      }
      const created = await send("POST", "/sessions", {
        headers: {
          "content-type": "application/json; charset=UTF-8",
          "content-encoding": "identity",
          prefer: "respond-async",
        },
        body: JSON.stringify({ model: MODEL, prompt: "a plain body still runs" }),
      });
      expect(created.status, created.text).toBe(202);
      // Let its turn finish, so later tests count only their own writes.
      const id = (created.body as { session_id: string }).session_id;
      await waitFor(async () => {
        const status = await stack.request<{ state: string }>("GET", `/sessions/${id}/status`);
        return status.body.state === "idle" ? true : undefined;
      });
    });

    it("requests without a body, and unknown paths, are not judged by their headers", async () => {
      const gzip = {
        "content-encoding": "gzip",
        "content-type": "application/json; charset=utf-16",
      };
      expect((await send("GET", "/sessions", { headers: gzip })).status).toBe(200);
      const interrupt = await send("POST", `/sessions/${sessionId}/interrupt`, { headers: gzip });
      expect(interrupt.status, interrupt.text).toBe(200);
      expectError(await send("POST", "/nope", { headers: gzip, body: "{}" }), 404, "NOT_FOUND");
    });
  });

  describe("X-Meerkat-Request-Id values that could not be cancelled are refused", () => {
    const emoji = "\u{1F600}";

    it.each([
      ["257 characters", "a".repeat(257), "at most 256 characters"],
      ["129 emoji (258 UTF-16 code units)", utf8Header(emoji.repeat(129)), "at most 256"],
      ["'.'", ".", "must not be '.'"],
      ["'..'", "..", "must not be '..'"],
      ["bytes that are not UTF-8", "caf\u00e9", "must be UTF-8"],
      ["a leading no-break space", utf8Header("\u00a0req"), "whitespace"],
      ["a trailing ideographic space", utf8Header("req\u3000"), "whitespace"],
    ])("%s → 400 on create, continue and /help, nothing written", async (_what, id, message) => {
      const before = await written();
      for (const [path, body] of [
        ["/sessions", { model: MODEL, prompt: "must not run" }],
        [`/sessions/${sessionId}/messages`, { session_id: sessionId, prompt: "must not run" }],
        ["/help", { question: "must not run" }],
      ] as const) {
        const response = await send("POST", path, {
          headers: { "content-type": "application/json", "x-meerkat-request-id": id },
          body: JSON.stringify(body),
        });
        const error = expectError(response, 400, "BAD_REQUEST");
        expect(error.error, path).toContain("X-Meerkat-Request-Id");
        expect(error.error, path).toContain(message);
      }
      expect(await written()).toEqual(before);
    });

    it.each([
      ["256 slashes (768 characters percent-encoded)", "/".repeat(256)],
      ["128 emoji (256 UTF-16 code units, 1536 percent-encoded)", emoji.repeat(128)],
      ["reserved and non-ASCII characters", "a/b?c#d%e f;g+h&é✓"],
    ])("the longest and most encoded ids are cancellable: %s", async (_what, id) => {
      const prompt = `cancel me: ${id.length} ${id.slice(0, 8)}`;
      stack.fake.enqueue({ chunks: ["never"], hang: true }, { contains: prompt });
      const pending = send("POST", "/sessions", {
        headers: { "content-type": "application/json", "x-meerkat-request-id": utf8Header(id) },
        body: JSON.stringify({ model: MODEL, prompt }),
      });
      await waitFor(() =>
        stack.fake.requests().find((call) => JSON.stringify(call.body).includes(prompt)),
      );
      const cancelled = await send("POST", `/requests/${encodeURIComponent(id)}/cancel`);
      expect(cancelled.status, cancelled.text).toBe(200);
      expect(cancelled.body).toEqual({ request_id: id, cancelled: true });
      const response = await pending;
      expectError(response, 499, "REQUEST_CANCELLED");
    });

    it("a UTF-8 id is stored as the caller wrote it (duplicates are found by it)", async () => {
      const id = "réq-✓";
      const prompt = "hold the UTF-8 id";
      stack.fake.enqueue({ chunks: ["never"], hang: true }, { contains: prompt });
      const headers = {
        "content-type": "application/json",
        "x-meerkat-request-id": utf8Header(id),
      };
      const pending = send("POST", "/sessions", {
        headers,
        body: JSON.stringify({ model: MODEL, prompt }),
      });
      await waitFor(() =>
        stack.fake.requests().find((call) => JSON.stringify(call.body).includes(prompt)),
      );
      const duplicate = await send("POST", "/help", {
        headers,
        body: JSON.stringify({ question: "same id" }),
      });
      const body = expectError(duplicate, 409, "DUPLICATE_REQUEST_ID");
      expect(body.error).toBe(`request ID already in flight: ${id}`);
      const { rows } = await stack.db.handle.pool.query<{ request_id: string }>(
        "select request_id from requests where state = 'pending'",
      );
      expect(rows.map((row) => row.request_id)).toEqual([id]);
      expect((await send("POST", `/requests/${encodeURIComponent(id)}/cancel`)).status).toBe(200);
      expectError(await pending, 499, "REQUEST_CANCELLED");
    });
  });
});
