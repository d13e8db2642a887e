import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpFetch } from "@meerkat/shared/llm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HookInvocation } from "../invocation.js";
import { invokeHttp } from "./http.js";
import { MAX_ANSWER_BYTES } from "./output.js";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

const routes = new Map<string, Handler>();
const seen: { path: string; method: string; headers: http.IncomingHttpHeaders; body: string }[] =
  [];
/** Requests whose connection closed before they were answered, by path. */
const cut: string[] = [];
let server: http.Server;
let base: string;
// The provider transport, direct whatever proxy this machine's environment names.
const transport = createHttpFetch({ proxy: undefined });

const invocation: HookInvocation = {
  hook_id: "h",
  point: "post_llm_response",
  session_id: "s",
  turn_id: "t",
  payload: { text: "hello" },
};

function runtime(path: string, extra: { method?: "POST" | "PUT"; headers?: object } = {}) {
  return {
    type: "http" as const,
    url: `${base}${path}`,
    method: extra.method ?? ("POST" as const),
    headers: { ...(extra.headers as Record<string, string> | undefined) },
  };
}

function call(path: string, signal = new AbortController().signal) {
  return invokeHttp(runtime(path), invocation, { fetch: transport, signal });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ path, method: req.method ?? "", headers: req.headers, body });
      res.on("close", () => {
        if (!res.writableFinished) cut.push(path);
      });
      const handler = routes.get(path);
      if (handler) handler(req, body, res);
      else res.writeHead(404).end("no route");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("invokeHttp over the provider transport", () => {
  it("sends the invocation JSON with the entry's method and headers and reads the answer", async () => {
    routes.set("/answer", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ decision: { decision: "allow" } }));
    });
    await expect(
      invokeHttp(
        runtime("/answer", { method: "PUT", headers: { "x-hook-token": "t0k" } }),
        invocation,
        {
          fetch: transport,
          signal: new AbortController().signal,
        },
      ),
    ).resolves.toEqual({ decision: { decision: "allow" } });
    const request = seen.filter((r) => r.path === "/answer").at(-1);
    expect(request?.method).toBe("PUT");
    expect(request?.headers).toMatchObject({
      "content-type": "application/json",
      accept: "application/json",
      "x-hook-token": "t0k",
    });
    expect(JSON.parse(request?.body ?? "")).toEqual(invocation);
  });

  it("reads an empty 2xx answer as no decision", async () => {
    routes.set("/empty", (_req, _body, res) => res.writeHead(204).end());
    await expect(call("/empty")).resolves.toEqual({});
  });

  it("fails on a non-2xx status, with the start of the body", async () => {
    routes.set("/broken", (_req, _body, res) => res.writeHead(500).end("nope"));
    await expect(call("/broken")).rejects.toThrow("hook answered HTTP 500: nope");
  });

  it("does not follow a redirect", async () => {
    routes.set("/moved", (_req, _body, res) =>
      res.writeHead(307, { location: "/elsewhere" }).end(),
    );
    routes.set("/elsewhere", (_req, _body, res) => res.end("{}"));
    await expect(call("/moved")).rejects.toThrow("hook answered HTTP 307");
    expect(seen.some((r) => r.path === "/elsewhere")).toBe(false);
  });

  it("refuses an answer larger than the cap", async () => {
    routes.set("/huge", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`"${"x".repeat(MAX_ANSWER_BYTES)}"`);
    });
    await expect(call("/huge")).rejects.toThrow(
      `hook answered more than ${MAX_ANSWER_BYTES} bytes`,
    );
  });

  it("cuts the request when its signal aborts (the hook's timeout or the run's abort)", async () => {
    routes.set("/hang", () => undefined);
    const controller = new AbortController();
    const pending = call("/hang", controller.signal);
    await vi.waitFor(() => {
      expect(seen.some((r) => r.path === "/hang")).toBe(true);
    });
    controller.abort(new Error("hook timed out after 300 ms"));
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await vi.waitFor(() => {
      expect(cut).toContain("/hang");
    });
  });

  it("cuts an answer that stalls midway when its signal aborts", async () => {
    routes.set("/stall", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"patch":');
    });
    const controller = new AbortController();
    let headersReceived = false;
    const pending = invokeHttp(runtime("/stall"), invocation, {
      fetch: async (input, init) => {
        const response = await transport(input, init);
        headersReceived = true;
        return response;
      },
      signal: controller.signal,
    });
    await vi.waitFor(() => {
      expect(headersReceived).toBe(true);
    });
    controller.abort(new Error("aborted"));
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await vi.waitFor(() => {
      expect(cut).toContain("/stall");
    });
  });
});
