import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startForwardProxy, type ForwardProxy } from "../support/forward-proxy.js";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface RunResult {
  session_id: string;
  text: string;
}
interface EventRow {
  type: string;
  payload: Record<string, unknown>;
}

const MODEL = "claude-haiku-4-5";

/** A self-signed certificate for 127.0.0.1 (openssl), in a temporary directory. */
function selfSigned(dir: string): { key: Buffer; cert: Buffer; certFile: string } {
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(certFile), certFile };
}

/**
 * http hooks leave the worker through the provider calls' transport: the egress proxy of
 * HTTP_PROXY / HTTPS_PROXY (NO_PROXY hosts directly), the trusted CAs (NODE_EXTRA_CA_CERTS here),
 * and the hook's own timeout still cuts the request.
 */
describe("http hooks behind an egress proxy", () => {
  let stack: Stack;
  let proxy: ForwardProxy;
  let dir: string;
  let plain: http.Server;
  let secure: https.Server;
  let plainUrl: string;
  let secureUrl: string;
  const hits: string[] = [];
  /** Requests whose connection closed before they were answered, by path. */
  const cut: string[] = [];

  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    let raw = "";
    request.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    request.on("end", () => {
      const path = request.url ?? "/";
      hits.push(path);
      response.on("close", () => {
        if (!response.writableFinished) cut.push(path);
      });
      if (path === "/hang") return;
      if (path === "/moved") {
        response.writeHead(307, { location: "/elsewhere" }).end();
        return;
      }
      const body = JSON.parse(raw) as { payload: { text: string } };
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ patch: { text: body.payload.text.replaceAll("secret", "[gone]") } }),
      );
    });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "meerkat-hook-proxy-"));
    const { key, cert, certFile } = selfSigned(dir);
    plain = http.createServer(handler);
    secure = https.createServer({ key, cert }, handler);
    plain.listen(0, "127.0.0.1");
    secure.listen(0, "127.0.0.1");
    await Promise.all([once(plain, "listening"), once(secure, "listening")]);
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    secureUrl = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
    proxy = await startForwardProxy();
    stack = await startStack({ apis: 1, workers: 0, env: { MEERKAT_HOOK_RUNTIMES: "http" } });
    // The fake provider is on 127.0.0.1 too: only its host:port is exempted.
    await stack.startWorker({
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: new URL(stack.fake.anthropicBaseUrl).host,
      NODE_EXTRA_CA_CERTS: certFile,
    });
  });

  afterAll(async () => {
    await stack.close();
    await proxy.close();
    plain.closeAllConnections();
    secure.closeAllConnections();
    await Promise.all([
      new Promise((resolve) => plain.close(resolve)),
      new Promise((resolve) => secure.close(resolve)),
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function events(sessionId: string): Promise<EventRow[]> {
    const { rows } = await stack.db.handle.pool.query<EventRow>(
      "select type, payload from session_events where session_id = $1 order by seq",
      [sessionId],
    );
    return rows;
  }

  function rewrite(id: string, url: string, extra: Record<string, unknown> = {}) {
    return {
      entries: [
        {
          id,
          point: "post_llm_response",
          capability: "rewrite",
          runtime: { type: "http", url },
          ...extra,
        },
      ],
    };
  }

  it("an http: hook goes through the proxy; the provider, in NO_PROXY, is called directly", async () => {
    stack.fake.enqueue({ text: "the secret is 42" }, { contains: "plain secret" });
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "plain secret",
      model: MODEL,
      hooks_override: rewrite("scrub", `${plainUrl}/scrub`),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.text).toBe("the [gone] is 42");
    expect(proxy.carried).toContain(`POST ${plainUrl}/scrub`);
    const fakeHost = new URL(stack.fake.anthropicBaseUrl).host;
    expect(proxy.carried.filter((line) => line.includes(fakeHost))).toEqual([]);
  });

  it("an https: hook is tunnelled with CONNECT, trusting the CAs the provider calls trust", async () => {
    stack.fake.enqueue({ text: "a secret over tls" }, { contains: "tls secret" });
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "tls secret",
      model: MODEL,
      hooks_override: rewrite("scrub-tls", `${secureUrl}/scrub`),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.text).toBe("a [gone] over tls");
    expect(proxy.carried).toContain(`CONNECT ${new URL(secureUrl).host}`);
  });

  it("a redirect is not followed through the proxy", async () => {
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "moved away",
      model: MODEL,
      hooks_override: rewrite("moved", `${plainUrl}/moved`),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.text).toBe("Echo: moved away");
    const failed = (await events(created.body.session_id)).find(
      (row) => row.type === "hook_failed",
    );
    expect(failed?.payload).toMatchObject({ hook_id: "moved", error: "hook answered HTTP 307" });
    expect(hits).not.toContain("/elsewhere");
  });

  it("the hook's timeout still applies, and cuts the request behind the proxy", async () => {
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "never answered",
      model: MODEL,
      hooks_override: rewrite("hang", `${plainUrl}/hang`, { timeout_ms: 300 }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.text).toBe("Echo: never answered");
    const failed = (await events(created.body.session_id)).find(
      (row) => row.type === "hook_failed",
    );
    expect(failed?.payload).toMatchObject({
      hook_id: "hang",
      error: "hook timed out after 300 ms",
    });
    expect(proxy.carried).toContain(`POST ${plainUrl}/hang`);
    await waitFor(() => (cut.includes("/hang") ? true : undefined), {
      what: "the hook server to see the request cut",
    });
  });
});
