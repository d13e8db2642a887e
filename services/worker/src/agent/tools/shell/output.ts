/**
 * Bounded capture of a command's output. The contract keeps the LAST bytes: the end of a
 * build log or a stack trace is what explains the outcome. Memory stays bounded by the cap
 * plus one chunk however much a command prints.
 */
export class TailBuffer {
  readonly #max: number;
  #chunks: Buffer[] = [];
  #held = 0;
  #total = 0;

  constructor(maxBytes: number) {
    this.#max = Math.max(0, maxBytes);
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    this.#chunks.push(chunk);
    this.#held += chunk.length;
    // Drop whole chunks while the rest still covers the cap.
    for (;;) {
      const first = this.#chunks[0];
      if (first === undefined || this.#held - first.length < this.#max) break;
      this.#chunks.shift();
      this.#held -= first.length;
    }
  }

  /** Bytes seen in total, kept or not. */
  get totalBytes(): number {
    return this.#total;
  }

  /** The kept tail as text, prefixed with a note saying how much was dropped. */
  text(): string {
    const all = Buffer.concat(this.#chunks);
    let tail = all.length > this.#max ? all.subarray(all.length - this.#max) : all;
    const dropped = this.#total - tail.length;
    if (dropped === 0) return tail.toString("utf8");
    // Do not start in the middle of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    let start = 0;
    while (start < Math.min(3, tail.length) && ((tail[start] ?? 0) & 0xc0) === 0x80) start += 1;
    tail = tail.subarray(start);
    return `${truncationNote(dropped + start)}${tail.toString("utf8")}`;
  }
}

export function truncationNote(droppedBytes: number): string {
  return `[output truncated: the first ${droppedBytes} bytes were dropped, the last bytes are kept]\n`;
}
