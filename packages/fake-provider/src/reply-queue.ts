/** FIFO of scripted replies; a request takes the first entry whose matcher accepts it. */
import type { FakeMatch, FakeReply } from "./types.js";

interface Entry {
  reply: FakeReply;
  match: FakeMatch | undefined;
}

function matches(match: FakeMatch | undefined, model: string, rawBody: string): boolean {
  if (!match) return true;
  if (match.model !== undefined && match.model !== model) return false;
  if (match.contains !== undefined && !rawBody.includes(match.contains)) return false;
  return true;
}

export class ReplyQueue {
  #entries: Entry[] = [];

  enqueue(reply: FakeReply | FakeReply[], match?: FakeMatch): number {
    const replies = Array.isArray(reply) ? reply : [reply];
    for (const item of replies) this.#entries.push({ reply: item, match });
    return replies.length;
  }

  /** Removes and returns the first matching reply, or undefined (use the default echo). */
  take(model: string, rawBody: string): FakeReply | undefined {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry && matches(entry.match, model, rawBody)) {
        entries.splice(i, 1);
        return entry.reply;
      }
    }
    return undefined;
  }

  get size(): number {
    return this.#entries.length;
  }

  clear(): void {
    this.#entries = [];
  }
}
