import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net, { type AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyLlmError } from "./errors.js";
import { createHttpFetch, proxyFromEnv } from "./http-fetch.js";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

const routes = new Map<string, Handler>();
const seen: {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  port: number;
}[] = [];
let server: http.Server;
let base: string;
// Direct, whatever proxy the machine's environment names.
const fetchImpl = createHttpFetch({ proxy: undefined });

/** A self-signed certificate for 127.0.0.1 (openssl), in a temporary directory. */
function selfSigned(): { dir: string; key: Buffer; cert: Buffer; ca: string } {
  const dir = mkdtempSync(join(tmpdir(), "http-fetch-tls-"));
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
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"));
  return { dir, key: readFileSync(join(dir, "key.pem")), cert, ca: cert.toString("utf8") };
}

async function closeServer(target: http.Server): Promise<void> {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      seen.push({
        path,
        method: req.method ?? "",
        headers: req.headers,
        body,
        port: req.socket.remotePort ?? 0,
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

function lastSeen(path: string) {
  const entry = seen.filter((item) => item.path === path).at(-1);
  if (!entry) throw new Error(`no request to ${path}`);
  return entry;
}

describe("createHttpFetch", () => {
  it("sends method, headers and body, and returns status, headers and body as fetch does", async () => {
    routes.set("/echo", (req, body, res) => {
      res.setHeader("x-multi", ["a", "b"]);
      res.writeHead(201, "Made", { "content-type": "application/json" });
      res.end(JSON.stringify({ got: JSON.parse(body) as unknown, ua: req.headers["x-client"] }));
    });
    const response = await fetchImpl(`${base}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Client": "meerkat" },
      body: JSON.stringify({ hello: "wörld" }),
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Made");
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-multi")).toBe("a, b");
    expect(await response.json()).toEqual({ got: { hello: "wörld" }, ua: "meerkat" });
    const request = lastSeen("/echo");
    expect(request.method).toBe("POST");
    expect(request.headers["content-length"]).toBe(String(Buffer.byteLength('{"hello":"wörld"}')));
    expect(request.headers["transfer-encoding"]).toBeUndefined();
  });

  it("streams the body as it arrives", async () => {
    let finish: () => void = () => undefined;
    routes.set("/stream", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      finish = () => res.end("data: two\n\n");
    });
    const response = await fetchImpl(`${base}/stream`, { method: "POST", body: "{}" });
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The first event is readable while the server still holds the rest.
    expect(new TextDecoder().decode(first.value as Uint8Array)).toBe("data: one\n\n");
    finish();
    let rest = "";
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      rest += new TextDecoder().decode(part.value as Uint8Array);
    }
    expect(rest).toBe("data: two\n\n");
  });

  it("reuses one kept-alive connection for calls in sequence", async () => {
    routes.set("/ka", (_req, _body, res) => res.end("ok"));
    for (let i = 0; i < 3; i++) expect(await (await fetchImpl(`${base}/ka`)).text()).toBe("ok");
    const ports = new Set(seen.filter((item) => item.path === "/ka").map((item) => item.port));
    expect(ports.size).toBe(1);
  });

  it("follows the server's keep-alive hint: an idle socket closes before the server closes it", async () => {
    // Node keeps a socket this long: the hint (2 s) minus its 1 s safety margin.
    routes.set("/short-ka", (_req, _body, res) => {
      res.setHeader("keep-alive", "timeout=2");
      res.end("ok");
    });
    routes.set("/long-ka", (_req, _body, res) => {
      res.setHeader("keep-alive", "timeout=30");
      res.end("ok");
    });
    const fresh = createHttpFetch();
    for (const path of ["/short-ka", "/long-ka"]) {
      await (await fresh(`${base}${path}`)).text();
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      await (await fresh(`${base}${path}`)).text();
    }
    const ports = (path: string) =>
      new Set(seen.filter((item) => item.path === path).map((item) => item.port)).size;
    expect(ports("/short-ka")).toBe(2);
    expect(ports("/long-ka")).toBe(1);
  });

  it("rejects with an AbortError when aborted before the reply, and frees the request", async () => {
    routes.set("/hang", () => undefined);
    const controller = new AbortController();
    const pending = fetchImpl(`${base}/hang`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    const already = new AbortController();
    already.abort();
    await expect(fetchImpl(`${base}/ka`, { signal: already.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  it("errors the body with an AbortError when aborted mid-stream", async () => {
    routes.set("/slow", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
    });
    const controller = new AbortController();
    const response = await fetchImpl(`${base}/slow`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reports network failures as fetch does: TypeError('fetch failed') with the socket error", async () => {
    const closed = http.createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error: unknown = await fetchImpl(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: "fetch failed", cause: { code: "ECONNREFUSED" } });
    expect(classifyLlmError(error)).toMatchObject({ kind: "network", retryable: true });
  });

  it("errors the body when the server drops the connection mid-stream (a retryable network failure)", async () => {
    routes.set("/drop", (req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: partial\n\n", () => setTimeout(() => req.socket.destroy(), 10));
    });
    const response = await fetchImpl(`${base}/drop`);
    const text = response.text();
    const error: unknown = await text.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(classifyLlmError(error)).toMatchObject({ kind: "network", retryable: true });
  });

  it("cuts a connection that goes silent, before the reply or mid-stream, as a network failure", async () => {
    const impatient = createHttpFetch({ idleTimeoutMs: 100 });
    const before: unknown = await impatient(`${base}/hang`).catch((e: unknown) => e);
    expect(before).toMatchObject({ message: "fetch failed", cause: { code: "ETIMEDOUT" } });
    expect(classifyLlmError(before)).toMatchObject({ kind: "network", retryable: true });
    const response = await impatient(`${base}/slow`);
    const during: unknown = await response.text().catch((e: unknown) => e);
    expect(during).toMatchObject({ code: "ETIMEDOUT" });
    expect(classifyLlmError(during)).toMatchObject({ kind: "network", retryable: true });
    // A reply that keeps coming is never cut, however long it takes in all.
    routes.set("/trickle", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let sent = 0;
      const timer = setInterval(() => {
        sent += 1;
        if (sent < 5) res.write(`data: ${sent}\n\n`);
        else {
          clearInterval(timer);
          res.end();
        }
      }, 60);
    });
    expect(await (await impatient(`${base}/trickle`)).text()).toBe(
      "data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n",
    );
  });

  it("speaks HTTPS with the system's trust store (NODE_EXTRA_CA_CERTS included)", async () => {
    const { dir, key, cert, ca } = selfSigned();
    const secure = https.createServer({ key, cert }, (_req, res) => res.end("secure"));
    secure.listen(0, "127.0.0.1");
    await once(secure, "listening");
    const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/`;
    try {
      // An untrusted certificate is refused, as the global fetch refuses it.
      const refused: unknown = await fetchImpl(url).catch((e: unknown) => e);
      expect(refused).toMatchObject({ message: "fetch failed" });
      // Trusted (as NODE_EXTRA_CA_CERTS would make it), the call goes through.
      const trusting = createHttpFetch({ ca, proxy: undefined });
      expect(await (await trusting(url)).text()).toBe("secure");
    } finally {
      await closeServer(secure);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives no body for 204 and decodes a gzip reply", async () => {
    routes.set("/empty", (_req, _body, res) => res.writeHead(204).end());
    const empty = await fetchImpl(`${base}/empty`, { method: "DELETE" });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    routes.set("/gz", (_req, _body, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-type": "application/json" });
      res.end(gzipSync(JSON.stringify({ zipped: true })));
    });
    expect(await (await fetchImpl(`${base}/gz`)).json()).toEqual({ zipped: true });
  });

  it("hands Request objects and streamed bodies to the global fetch", async () => {
    routes.set("/req", (_req, body, res) => res.end(`got ${body}`));
    const viaRequest = await fetchImpl(new Request(`${base}/req`, { method: "POST", body: "a" }));
    expect(await viaRequest.text()).toBe("got a");
    const viaStream = await fetchImpl(`${base}/req`, {
      method: "POST",
      body: new Blob(["b"]).stream(),
      duplex: "half",
    });
    expect(await viaStream.text()).toBe("got b");
  });

  it("carries a real SDK's streamed call and its API errors", async () => {
    routes.set("/v1/chat/completions", (_req, body, res) => {
      const params = JSON.parse(body) as { model: string };
      if (params.model === "denied") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "bad key", type: "invalid_request_error" } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const word of ["Hel", "lo"]) {
        const chunk = {
          id: "c",
          object: "chat.completion.chunk",
          created: 0,
          model: "m",
          choices: [{ index: 0, delta: { content: word }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      res.end("data: [DONE]\n\n");
    });
    const client = new OpenAI({
      apiKey: "k",
      baseURL: `${base}/v1`,
      maxRetries: 0,
      fetch: fetchImpl,
    });
    const stream = await client.chat.completions.create({
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello");
    expect(lastSeen("/v1/chat/completions").headers.authorization).toBe("Bearer k");
    const denied: unknown = await client.chat.completions
      .create({ model: "denied", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(classifyLlmError(denied)).toMatchObject({ kind: "auth", retryable: false });
  });
});

describe("proxyFromEnv", () => {
  it("reads the proxy variables as undici does", () => {
    expect(proxyFromEnv({})).toBeUndefined();
    expect(proxyFromEnv({ HTTPS_PROXY: " ", NO_PROXY: "x" })).toBeUndefined();
    expect(proxyFromEnv({ HTTP_PROXY: "http://p:1", NO_PROXY: "a,.b" })).toEqual({
      httpProxy: "http://p:1",
      httpsProxy: "http://p:1",
      noProxy: "a,.b",
    });
    expect(proxyFromEnv({ HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:2" })).toEqual({
      httpProxy: undefined,
      httpsProxy: "http://lower:2",
      noProxy: undefined,
    });
  });
});

describe("createHttpFetch behind an egress proxy", () => {
  // A forward proxy as egress proxies work: absolute-form requests for http: targets, CONNECT
  // tunnels for https: ones. It records what it carried.
  let proxy: http.Server;
  let proxyUrl: string;
  const carried: string[] = [];

  beforeAll(async () => {
    proxy = http.createServer((req, res) => {
      carried.push(`${req.method ?? ""} ${req.url ?? ""}`);
      const upstream = http.request(
        new URL(req.url ?? ""),
        { method: req.method, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on("error", () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    proxy.on("connect", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      carried.push(`CONNECT ${req.url ?? ""}`);
      const [host = "", port = "0"] = (req.url ?? "").split(":");
      const upstream = net.connect(Number(port), host, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    proxy.listen(0, "127.0.0.1");
    await once(proxy, "listening");
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await closeServer(proxy);
  });

  it("sends http: calls through the proxy, a real SDK's streamed call included", async () => {
    routes.set("/v1/chat/completions", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = {
        id: "c",
        object: "chat.completion.chunk",
        created: 0,
        model: "m",
        choices: [{ index: 0, delta: { content: "via proxy" }, finish_reason: null }],
      };
      res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
    });
    const viaProxy = createHttpFetch({ proxy: proxyFromEnv({ HTTP_PROXY: proxyUrl }) });
    const client = new OpenAI({
      apiKey: "k",
      baseURL: `${base}/v1`,
      maxRetries: 0,
      fetch: viaProxy,
    });
    const stream = await client.chat.completions.create({
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("via proxy");
    expect(carried).toContain(`POST ${base}/v1/chat/completions`);
    expect(lastSeen("/v1/chat/completions").headers.authorization).toBe("Bearer k");
  });

  it("tunnels https: calls with CONNECT, trusting the given CA", async () => {
    const { dir, key, cert, ca } = selfSigned();
    const secure = https.createServer({ key, cert }, (_req, res) => res.end("secure via tunnel"));
    secure.listen(0, "127.0.0.1");
    await once(secure, "listening");
    const authority = `127.0.0.1:${(secure.address() as AddressInfo).port}`;
    try {
      const env = { HTTPS_PROXY: proxyUrl };
      const untrusting = createHttpFetch({ proxy: proxyFromEnv(env) });
      const refused: unknown = await untrusting(`https://${authority}/`).catch((e: unknown) => e);
      expect(refused).toMatchObject({ message: "fetch failed" });
      const trusting = createHttpFetch({ ca, proxy: proxyFromEnv(env) });
      expect(await (await trusting(`https://${authority}/`)).text()).toBe("secure via tunnel");
      expect(carried.filter((line) => line === `CONNECT ${authority}`)).toHaveLength(2);
    } finally {
      await closeServer(secure);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reaches NO_PROXY hosts directly", async () => {
    routes.set("/direct", (_req, _body, res) => res.end("direct"));
    const before = carried.length;
    const bypassing = createHttpFetch({
      proxy: proxyFromEnv({ HTTP_PROXY: proxyUrl, NO_PROXY: "example.com,127.0.0.1" }),
    });
    expect(await (await bypassing(`${base}/direct`)).text()).toBe("direct");
    expect(carried).toHaveLength(before);
  });

  it("cuts a silent tunnelled connection as a network failure", async () => {
    const { dir, key, cert, ca } = selfSigned();
    const silent = https.createServer({ key, cert }, () => undefined);
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    try {
      const impatient = createHttpFetch({
        ca,
        idleTimeoutMs: 300,
        proxy: proxyFromEnv({ HTTPS_PROXY: proxyUrl }),
      });
      const failure: unknown = await impatient(url).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TypeError);
      expect(failure).toMatchObject({ message: "fetch failed" });
      expect(classifyLlmError(failure)).toMatchObject({ retryable: true });
    } finally {
      await closeServer(silent);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
