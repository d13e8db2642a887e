import type { SessionStream } from "./session-stream.js";

/** Open SSE streams of this process, so shutdown can end each with a final `done`. */
export class StreamRegistry {
  readonly #streams = new Set<SessionStream>();

  add(stream: SessionStream): () => void {
    this.#streams.add(stream);
    return () => this.#streams.delete(stream);
  }

  get size(): number {
    return this.#streams.size;
  }

  finishAll(): void {
    for (const stream of this.#streams) stream.finish();
    this.#streams.clear();
  }
}
