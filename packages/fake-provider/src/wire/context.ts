/** What every wire encoder needs besides the turn itself. */
export interface WireContext {
  model: string;
  body: Record<string, unknown>;
  /** Unique, deterministic ids per server: `<prefix>_fake_<n>`. */
  nextId(prefix: string): string;
}

/** One SSE frame with a named event (Anthropic, OpenAI Responses). */
export function namedFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One SSE frame without an event name (OpenAI Chat Completions). */
export function dataFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
