import type { ReadableStream } from "node:stream/web";
import type { HookRuntimeConfig } from "@meerkat/shared/domain";
import type { FetchFunction } from "@meerkat/shared/llm";
import type { HookInvocation } from "../invocation.js";
import { MAX_ANSWER_BYTES, parseAnswer } from "./output.js";

type HttpRuntime = Extract<HookRuntimeConfig, { type: "http" }>;

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return "";
  // Node's fetch types leave the stream's chunk type open; it yields bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`hook answered more than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Sends the invocation JSON to the hook's URL and reads its JSON answer. A non-2xx status or a
 * body that is not JSON fails the hook; an empty 2xx body means "no decision". Redirects are
 * not followed (a 3xx is a non-2xx answer): a hook endpoint is configured exactly, and following
 * one would send the invocation somewhere nobody configured.
 *
 * `fetch` is the provider calls' transport (`providerFetch`), so hooks honour the same egress
 * proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY), trusted CAs and idle timeout; `signal` (the
 * hook's timeout or the run's abort) cuts the request, before or during the answer.
 */
export async function invokeHttp(
  runtime: HttpRuntime,
  invocation: HookInvocation,
  options: { fetch: FetchFunction; signal: AbortSignal },
): Promise<unknown> {
  const response = await options.fetch(runtime.url, {
    method: runtime.method,
    headers: { "content-type": "application/json", accept: "application/json", ...runtime.headers },
    body: JSON.stringify(invocation),
    // The direct transport never follows redirects; through a proxy (undici's fetch) "manual"
    // hands the 3xx back as it is.
    redirect: "manual",
    signal: options.signal,
  });
  const text = await readCapped(response);
  if (!response.ok) {
    const snippet = text.trim().slice(0, 200);
    throw new Error(`hook answered HTTP ${response.status}${snippet === "" ? "" : `: ${snippet}`}`);
  }
  return parseAnswer(text, "hook response body");
}
