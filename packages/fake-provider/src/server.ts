/**
 * The fake LLM server: routes the three provider wires and the `/_fake` control API, keeps the
 * reply queue and the request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { summarizeConversation } from "./conversation.js";
import { createExchange, sendJson, sendStream, type Exchange } from "./exchange.js";
import { ReplyQueue } from "./reply-queue.js";
import { resolveTurn, type Turn } from "./turn.js";
import type {
  FakeApi,
  FakeError,
  FakeProvider,
  FakeProviderOptions,
  FakeReply,
  FakeRequestRecord,
} from "./types.js";
import {
  anthropicErrorBody,
  anthropicMessage,
  anthropicModelList,
  anthropicStreamFrames,
} from "./wire/anthropic.js";
import type { WireContext } from "./wire/context.js";
import { openAiErrorBody, openAiModelList } from "./wire/openai-common.js";
import { chatCompletion, chatStreamFrames } from "./wire/openai-chat.js";
import { responsesResult, responsesStreamFrames } from "./wire/openai-responses.js";

const API_BY_PATH: Record<string, FakeApi> = {
  "/v1/messages": "anthropic",
  "/v1/chat/completions": "openai-chat",
  "/v1/responses": "openai-responses",
};

const EMPTY_REPLY: FakeReply = {};

interface WireEncoder {
  stream(turn: Turn, ctx: WireContext): string[];
  result(turn: Turn, ctx: WireContext): Record<string, unknown>;
}

const ENCODERS: Record<FakeApi, WireEncoder> = {
  anthropic: { stream: anthropicStreamFrames, result: anthropicMessage },
  "openai-chat": { stream: chatStreamFrames, result: chatCompletion },
  "openai-responses": { stream: responsesStreamFrames, result: responsesResult },
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
    req.on("close", () => {
      if (!ended) reject(new Error("client closed the request before sending its body"));
    });
  });
}

function parseJsonObject(raw: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
}

/** Anthropic accepts `x-api-key`; its SDK (1.x) sends `Authorization: Bearer` instead. */
function hasApiKey(req: IncomingMessage, api: FakeApi | "models", key: string): boolean {
  if (bearerToken(req) === key) return true;
  return api !== "openai-chat" && api !== "openai-responses" && req.headers["x-api-key"] === key;
}

function isAnthropicClient(req: IncomingMessage, api: FakeApi | undefined): boolean {
  return api === "anthropic" || req.headers["anthropic-version"] !== undefined;
}

function retryHeaders(error: FakeError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined)
    headers["retry-after"] = String(error.retryAfterSeconds);
  if (error.retryAfterMs !== undefined) headers["retry-after-ms"] = String(error.retryAfterMs);
  return headers;
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const host = options.host ?? "127.0.0.1";
  const defaultChunkDelayMs = options.defaultChunkDelayMs ?? 0;
  const logLimit = options.requestLogLimit ?? 10_000;
  const queue = new ReplyQueue();
  let log: FakeRequestRecord[] = [];
  let sequence = 0;
  const nextId = (prefix: string): string => `${prefix}_fake_${++sequence}`;

  function requestIdHeader(anthropic: boolean): Record<string, string> {
    return anthropic ? { "request-id": nextId("req") } : { "x-request-id": nextId("req") };
  }

  function sendError(exchange: Exchange, anthropic: boolean, error: FakeError): void {
    const idHeader = requestIdHeader(anthropic);
    const body = anthropic
      ? anthropicErrorBody(error.status, idHeader["request-id"] ?? "", error.type, error.message)
      : openAiErrorBody(error.status, error.type, error.message);
    sendJson(exchange, error.status, body, { ...idHeader, ...retryHeaders(error) });
  }

  function authError(anthropic: boolean): FakeError {
    return anthropic
      ? { status: 401, message: "invalid x-api-key" }
      : { status: 401, message: "Incorrect API key provided." };
  }

  async function handleModel(exchange: Exchange, api: FakeApi, raw: string): Promise<void> {
    const { req } = exchange;
    const anthropic = api === "anthropic";
    const parsed = parseJsonObject(raw);
    const body = parsed ?? {};
    const model = typeof body["model"] === "string" ? body["model"] : "";
    const record: FakeRequestRecord = {
      api,
      path: req.url ?? "",
      headers: flattenHeaders(req),
      body,
      model,
      receivedAt: Date.now(),
    };
    log.push(record);
    if (log.length > logLimit) log.shift();
    exchange.res.on("close", () => {
      if (!exchange.res.writableFinished) record.clientDisconnected = true;
    });

    if (options.requireApiKey !== undefined && !hasApiKey(req, api, options.requireApiKey)) {
      sendError(exchange, anthropic, authError(anthropic));
      return;
    }
    if (!parsed) {
      sendError(exchange, anthropic, {
        status: 400,
        message: "The request body is not a JSON object.",
      });
      return;
    }

    const reply = queue.take(model, raw) ?? EMPTY_REPLY;
    await exchange.sleep(reply.delayMs ?? 0);
    if (exchange.isClosed()) return;
    if (reply.error) {
      sendError(exchange, anthropic, reply.error);
      return;
    }

    const turn = resolveTurn(reply, summarizeConversation(api, body));
    const ctx: WireContext = { model, body, nextId };
    const headers = requestIdHeader(anthropic);
    if (body["stream"] !== true) {
      if (reply.hang) {
        await exchange.closed;
        return;
      }
      sendJson(exchange, 200, ENCODERS[api].result(turn, ctx), headers);
      return;
    }
    await sendStream(exchange, ENCODERS[api].stream(turn, ctx), headers, {
      chunkDelayMs: reply.chunkDelayMs ?? defaultChunkDelayMs,
      hang: reply.hang === true,
    });
  }

  function handleControl(exchange: Exchange, path: string, method: string, raw: string): void {
    if (method === "GET" && path === "/_fake/requests") {
      sendJson(exchange, 200, { requests: log });
      return;
    }
    if (method === "POST" && path === "/_fake/reset") {
      queue.clear();
      log = [];
      sendJson(exchange, 200, { ok: true });
      return;
    }
    if (method === "POST" && path === "/_fake/enqueue") {
      const body = parseJsonObject(raw);
      const replies = body?.["replies"] ?? body?.["reply"];
      const match = body?.["match"];
      const validReplies = Array.isArray(replies) ? replies.every(isObject) : isObject(replies);
      if (!validReplies || (match !== undefined && !isObject(match))) {
        sendJson(exchange, 400, {
          error: { message: "expected {reply|replies, match?}", type: "invalid_request_error" },
        });
        return;
      }
      // The control API trusts its callers: shapes follow the FakeReply/FakeMatch types.
      const queued = queue.enqueue(replies as FakeReply | FakeReply[], match);
      sendJson(exchange, 200, { queued, pending: queue.size });
      return;
    }
    sendJson(exchange, 404, { error: { message: `no control route ${method} ${path}` } });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const exchange = createExchange(req, res);
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    if (path.startsWith("/_fake/")) {
      handleControl(exchange, path, method, raw);
      return;
    }
    const api = API_BY_PATH[path];
    if (api && method === "POST") {
      await handleModel(exchange, api, raw);
      return;
    }
    const anthropic = isAnthropicClient(req, api);
    if (method === "GET" && path === "/v1/models") {
      if (options.requireApiKey !== undefined && !hasApiKey(req, "models", options.requireApiKey)) {
        sendError(exchange, anthropic, authError(anthropic));
        return;
      }
      sendJson(exchange, 200, anthropic ? anthropicModelList() : openAiModelList());
      return;
    }
    sendError(exchange, anthropic, {
      status: 404,
      type: anthropic ? "not_found_error" : "invalid_request_error",
      message: `Unknown route: ${method} ${path}`,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Only a broken connection can fail here; make sure the socket is released.
      res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;

  return {
    url,
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    enqueue(reply, match) {
      queue.enqueue(reply, match);
    },
    requests: () => [...log],
    reset() {
      queue.clear();
      log = [];
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        // Hanging streams and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
