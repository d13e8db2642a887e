/**
 * The provider SDKs' transport: a `fetch` built on `node:http`/`node:https` with keep-alive
 * agents, given to the Anthropic and OpenAI clients through their `fetch` option.
 *
 * Node's global fetch runs the whole WHATWG fetch algorithm (request cloning, CORS and cache
 * steps, llhttp in WebAssembly) around every request; for an agent turn, whose provider call is
 * one small JSON POST and a streamed reply, that machinery cost about a third of the client's
 * CPU per call (measured through the OpenAI SDK against the fake provider: 900 → 570 µs).
 * This one keeps what the SDKs rely on — a standard `Response` with a web-stream body, abort by
 * `signal` (an `AbortError`, before or during the body), network failures as
 * `TypeError("fetch failed")` with the socket error as `cause` — and hands anything outside its
 * lane (a `Request` object, a streamed or multipart body, another scheme) to the global fetch.
 * Redirects are not followed (no provider API redirects a call); compressed replies are decoded.
 *
 * Behind an egress proxy (`HTTPS_PROXY` / `HTTP_PROXY`, with `NO_PROXY`, as curl reads them)
 * every call goes through undici's `EnvHttpProxyAgent` instead: CONNECT tunnels for HTTPS,
 * absolute-form requests for HTTP, credentials from the proxy URL, the same timeouts and trusted
 * CAs. Node 20's global fetch ignores these variables.
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { EnvHttpProxyAgent, fetch as undiciFetch } from "undici";

export type FetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

export interface HttpFetchOptions {
  /** Sockets per origin (default 256); requests beyond wait for a free one. */
  maxSockets?: number;
  /** Idle sockets kept per origin (default 64). */
  maxFreeSockets?: number;
  /**
   * A connection silent this long — no response headers, or no body bytes mid-stream — is cut
   * with an `ETIMEDOUT` network error (default 300 s, undici's headers and body timeouts).
   */
  idleTimeoutMs?: number;
  /**
   * How long an idle kept-alive connection stays open (default 4 s, undici's default); a
   * server's `Keep-Alive: timeout=` hint shortens it, so a socket is not reused as the server
   * closes it.
   */
  keepAliveIdleMs?: number;
  /**
   * PEM certificate authorities trusted for HTTPS instead of Node's store (which already holds
   * the system's roots and NODE_EXTRA_CA_CERTS, as the global fetch's does).
   */
  ca?: string | undefined;
  /** The egress proxy; by default read from the environment (`proxyFromEnv`). */
  proxy?: ProxySettings | undefined;
}

export interface ProxySettings {
  /** Proxy for `http:` targets. */
  httpProxy?: string | undefined;
  /** Proxy for `https:` targets. */
  httpsProxy?: string | undefined;
  /** Hosts reached directly: comma-separated names, `.suffix`es, `host:port`, or `*`. */
  noProxy?: string | undefined;
}

/**
 * The proxy settings of an environment, as undici reads them: lower-case names win over
 * upper-case ones, `HTTP_PROXY` also serves `https:` targets when `HTTPS_PROXY` is unset, and an
 * empty value means none. Undefined when no proxy is set.
 */
export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const read = (name: string): string | undefined =>
    (env[name.toLowerCase()] ?? env[name])?.trim() || undefined;
  const httpProxy = read("HTTP_PROXY");
  const httpsProxy = read("HTTPS_PROXY") ?? httpProxy;
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: read("NO_PROXY") };
}

/** A fetch through the proxy, with the direct transport's timeouts and trusted CAs. */
function proxiedFetch(proxy: ProxySettings, options: HttpFetchOptions): FetchFunction {
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const tls = options.ca === undefined ? {} : { ca: options.ca };
  const dispatcher = new EnvHttpProxyAgent({
    // An empty string disables that scheme's proxy (an undefined one would read the env again).
    httpProxy: proxy.httpProxy ?? "",
    httpsProxy: proxy.httpsProxy ?? "",
    noProxy: proxy.noProxy ?? "",
    headersTimeout: idleTimeoutMs,
    bodyTimeout: idleTimeoutMs,
    keepAliveTimeout: options.keepAliveIdleMs ?? 4_000,
    connect: tls,
    requestTls: tls,
    // http: targets as absolute-form requests, as curl sends them: egress proxies commonly
    // allow CONNECT to port 443 only. (undici's wrapper for these keeps its own 300 s
    // timeouts, the default above: only https: calls honour a custom idleTimeoutMs.)
    proxyTunnel: false,
  });
  return (input, init) =>
    // undici's Response is the WHATWG class Node's global one is built from; the SDKs read it
    // through the standard interface only.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    undiciFetch(
      input as Parameters<typeof undiciFetch>[0],
      { ...init, dispatcher } as Parameters<typeof undiciFetch>[1],
    );
}

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

type PlainBody = string | Uint8Array | ArrayBuffer;

function isPlainBody(body: unknown): body is PlainBody | null | undefined {
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer
  );
}

function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}

function outgoingHeaders(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const source = init?.headers;
  if (source === undefined) return out;
  const entries =
    source instanceof Headers || Array.isArray(source)
      ? source
      : Object.entries(source as Record<string, string | undefined>);
  for (const [name, value] of entries as Iterable<[string, string | undefined]>) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

function incomingHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  return headers;
}

function decoded(res: http.IncomingMessage): Readable {
  const encoding = (res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  res.on("error", (err) => decoder.destroy(err));
  return res.pipe(decoder);
}

function idleTimeoutError(ms: number): Error {
  return Object.assign(new Error(`no data from the server for ${ms} ms`), { code: "ETIMEDOUT" });
}

export function createHttpFetch(options: HttpFetchOptions = {}): FetchFunction {
  const proxy = "proxy" in options ? options.proxy : proxyFromEnv();
  if (proxy) return proxiedFetch(proxy, options);
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    maxFreeSockets: options.maxFreeSockets ?? 64,
    // Node applies a server's keep-alive hint only under an agent timeout; each request
    // replaces it with the idle timeout below while it runs.
    timeout: options.keepAliveIdleMs ?? 4_000,
    // The most recently used socket first: the others age out instead of all staying warm.
    scheduling: "lifo" as const,
  };
  const agents: Record<string, http.Agent> = {
    "http:": new http.Agent(agentOptions),
    "https:": new https.Agent(
      options.ca === undefined ? agentOptions : { ...agentOptions, ca: options.ca },
    ),
  };

  return (input, init) => {
    const body = init?.body;
    if (input instanceof Request || !isPlainBody(body)) return fetch(input, init);
    const url = typeof input === "string" ? new URL(input) : input;
    const agent = agents[url.protocol];
    if (!agent) return fetch(input, init);
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError());

    const method = (init?.method ?? "GET").toUpperCase();
    const headers = outgoingHeaders(init);
    const payload =
      body === undefined || body === null
        ? undefined
        : typeof body === "string"
          ? body
          : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body);
    if (payload !== undefined) {
      headers["content-length"] ??= String(Buffer.byteLength(payload));
      if (typeof payload === "string") headers["content-type"] ??= "text/plain;charset=UTF-8";
    }

    return new Promise<Response>((resolve, reject) => {
      let response: http.IncomingMessage | undefined;
      const onAbort = (): void => {
        const error = abortError();
        if (response) response.destroy(error);
        request.destroy(error);
      };
      const request = (url.protocol === "https:" ? https : http).request(
        url,
        { method, headers, agent },
        (res) => {
          response = res;
          const status = res.statusCode ?? 0;
          const init = {
            status,
            statusText: res.statusMessage ?? "",
            headers: incomingHeaders(res.rawHeaders),
          };
          if (NULL_BODY_STATUS.has(status) || method === "HEAD") {
            res.resume();
            resolve(new Response(null, init));
            return;
          }
          res.once("close", () => signal?.removeEventListener("abort", onAbort));
          resolve(new Response(Readable.toWeb(decoded(res)) as ReadableStream, init));
        },
      );
      request.on("error", (err) => {
        signal?.removeEventListener("abort", onAbort);
        // Before the response: reject as fetch does. After it, the body stream carries the error.
        if (!response) {
          reject(signal?.aborted ? abortError() : new TypeError("fetch failed", { cause: err }));
        }
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      // Covers the wait for headers and every gap in the body; the socket goes back to the
      // agent's pool without the timer once the response is done.
      request.setTimeout(idleTimeoutMs, () => {
        const error = idleTimeoutError(idleTimeoutMs);
        if (response) response.destroy(error);
        request.destroy(error);
      });
      request.end(payload);
    });
  };
}

/** One transport (and so one connection pool per origin) for every provider client. */
export const providerFetch: FetchFunction = createHttpFetch();
