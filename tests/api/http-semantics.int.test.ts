import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiProcess } from "../support/processes.js";
import { startStack, type Stack } from "../support/stack.js";

/**
 * HTTP-level semantics of the API: 405 with `Allow` for a wrong method on an existing path.
 * Every refusal asserts its status, code and headers, and that it wrote nothing.
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
});
