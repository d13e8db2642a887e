export interface SseFrame {
  id?: string;
  event: string;
  data: string;
  /** Parsed `data` (JSON), when it parses. */
  json?: unknown;
}

/**
 * A minimal SSE client over fetch: collects frames as they arrive and lets a test wait for a
 * condition on them. Comments (heartbeats) are counted, not collected.
 */
export class SseClient {
  readonly frames: SseFrame[] = [];
  heartbeats = 0;
  status = 0;
  ended = false;
  readonly #controller = new AbortController();
  #done: Promise<void> = Promise.resolve();
  #listeners: (() => void)[] = [];

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers, signal: client.#controller.signal });
    client.status = response.status;
    if (!response.ok || !response.body) {
      client.ended = true;
      client.frames.push({ event: "http_error", data: await response.text() });
      return client;
    }
    client.#done = client.#read(response.body);
    return client;
  }

  /** Event frames that belong to the seq stream (they carry an id). */
  get events(): { seq: number; type: string; payload: Record<string, unknown> }[] {
    return this.frames
      .filter((frame) => frame.id !== undefined)
      .map((frame) => {
        const envelope = frame.json as {
          seq: number;
          payload: Record<string, unknown> & { type: string };
        };
        return { seq: envelope.seq, type: envelope.payload.type, payload: envelope.payload };
      });
  }

  waitFor<T>(check: (client: SseClient) => T | undefined, timeoutMs = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check(this);
        if (value !== undefined) {
          cleanup();
          resolve(value);
          return true;
        }
        if (this.ended) {
          cleanup();
          reject(
            new Error(
              `stream ended before the condition held; frames: ${JSON.stringify(this.frames.map((f) => f.event))}`,
            ),
          );
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting on the stream; frames: ${JSON.stringify(this.frames.map((f) => [f.id, f.event]))}`,
          ),
        );
      }, timeoutMs);
      const listener = () => {
        attempt();
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((entry) => entry !== listener);
      };
      if (!attempt()) this.#listeners.push(listener);
    });
  }

  async close(): Promise<void> {
    this.#controller.abort();
    await this.#done.catch(() => undefined);
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let boundary = buffer.indexOf("\n\n");
        while (boundary !== -1) {
          this.#parse(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf("\n\n");
        }
        this.#notify();
      }
    } catch {
      // aborted by close() or the server went away
    } finally {
      this.ended = true;
      this.#notify();
    }
  }

  #parse(block: string): void {
    const frame: SseFrame = { event: "message", data: "" };
    let sawField = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        this.heartbeats += 1;
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
      else if (field === "data") frame.data = frame.data === "" ? value : `${frame.data}\n${value}`;
      else if (field === "retry") continue;
      else continue;
      sawField = true;
    }
    if (!sawField) return;
    try {
      frame.json = JSON.parse(frame.data);
    } catch {
      // not JSON
    }
    this.frames.push(frame);
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
